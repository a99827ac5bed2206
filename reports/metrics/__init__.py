"""Every report by name: pages, the API, the downloads and the digest use this
one registry. Each report is a function of a ``ReportFilter`` returning a
``Report``, built from a fixed number of aggregate queries."""

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

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

# What the pages call each report in their lists (the reader's language); the same
# words as each report's own title.
REPORT_TITLES: dict[str, str] = {
    "volume": _("Escalation volume"),
    "funnel": _("Funnel L1 → L2 → L3 → management"),
    "time_at_level": _("Time at each level"),
    "resolution_time": _("Time to resolve"),
    "sla": _("SLA attainment"),
    "repeats": _("Repeat escalations"),
    "quality": _("Hand-off quality and reviews"),
    "csat": _("Customer satisfaction"),
    "root_causes": _("Top root causes"),
    "train_on": _("What to train on"),
    "approvals": _("Approvals"),
}

__all__ = ["REPORTS", "REPORT_TITLES", "Column", "Report", "ReportFilter"]
