"""Every report by name: pages, the API, the downloads and the digest use this
one registry. Each report is a function of a ``ReportFilter`` returning a
``Report``, built from a fixed number of aggregate queries."""

from collections.abc import Callable

from reports.metrics.approvals import approvals, csat
from reports.metrics.base import Column, Report, ReportFilter
from reports.metrics.quality import quality, root_causes, train_on
from reports.metrics.repeats import repeats
from reports.metrics.sla import sla
from reports.metrics.times import resolution_time, time_at_level
from reports.metrics.volume import funnel, volume

REPORTS: dict[str, Callable[[ReportFilter], Report]] = {
    "volume": volume,
    "funnel": funnel,
    "time_at_level": time_at_level,
    "resolution_time": resolution_time,
    "sla": sla,
    "repeats": repeats,
    "quality": quality,
    "csat": csat,
    "root_causes": root_causes,
    "train_on": train_on,
    "approvals": approvals,
}

__all__ = ["REPORTS", "Column", "Report", "ReportFilter"]
