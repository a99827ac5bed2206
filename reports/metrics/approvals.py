"""Approvals of manual escalations, and customer satisfaction from the surveys."""

from __future__ import annotations

from django.db.models import Avg, Case, CharField, Count, Q, Value, When
from django.utils.timezone import make_aware
from django.utils.translation import gettext_lazy as _

from escalations.models import Escalation
from reports.metrics.base import (
    Column,
    PercentileCont,
    Report,
    ReportFilter,
    between,
    percent,
    with_empty_buckets,
)
from reports.metrics.base import rounded as r
from reports.metrics.percentiles import grouping_sets_supported, percentiles_grouped
from reports.models import SurveyResponse

State = Escalation.Status


def asked_for_approval(f: ReportFilter):
    """Escalations made in the period that waited for a decision."""
    from reports.metrics.volume import escalations_in

    return escalations_in(f).filter(
        Q(status=State.REQUESTED) | Q(decided=True) | Q(decided_at__isnull=False)
    )


_STATES = ("approved", "rejected", "withdrawn", "waiting")


def _outcomes() -> dict[str, Q]:
    """How an escalation asked for approval stands (at most one of them)."""
    decided = Q(decided=True)
    return {
        "approved": decided & ~Q(status=State.REJECTED),
        "rejected": decided & Q(status=State.REJECTED),
        "withdrawn": Q(decided=False, status=State.REJECTED),
        "waiting": Q(status=State.REQUESTED),
    }


def _figures_grouped(asked, f: ReportFilter) -> tuple[list[dict], dict]:
    """PostgreSQL: the buckets and the whole period from one scan (grouping sets)."""
    outcomes = _outcomes()
    rows = asked.annotate(
        bucket=f.bucket("created_at"),
        outcome=Case(
            *[When(q, then=Value(name)) for name, q in outcomes.items()],
            default=Value(""),
            output_field=CharField(),
        ),
        decide=Case(When(decided=True, then=between("decided_at", "created_at")), default=None),
    ).values("bucket", "outcome", "decide")
    found = percentiles_grouped(
        rows,
        sets=[("bucket",), ()],
        values=("decide",),
        counts={name: ("outcome", name) for name in _STATES},
    )

    def shaped(row: dict) -> dict:
        out = {}
        if (bucket := row["bucket"]) is not None:  # the wall time in the viewer's zone
            out["bucket"] = make_aware(bucket, f.zone) if bucket.tzinfo is None else bucket
        out["requested"] = row["n"]
        out.update({name: row[name] for name in _STATES})
        out.update(decide_median=row["decide_median"], decide_p90=row["decide_p90"])
        return out

    buckets = [shaped(row) for row in found if row["bucket"] is not None]
    whole = [shaped(row) for row in found if row["bucket"] is None]
    empty = {"requested": 0, **dict.fromkeys(_STATES, 0), "decide_median": None, "decide_p90": None}
    return buckets, whole[0] if whole else empty


def approvals(f: ReportFilter) -> Report:
    """Escalations that waited for approval, made in the period: approved,
    rejected (by a manager; those withdrawn by resolving the ticket apart),
    still waiting, and the time to decide."""
    asked = asked_for_approval(f)
    if grouping_sets_supported():
        rows, overall = _figures_grouped(asked, f)
    else:
        decided = Q(decided=True)
        figures = {
            "requested": Count("pk"),
            **{name: Count("pk", filter=q) for name, q in _outcomes().items()},
            "decide_median": PercentileCont(
                between("decided_at", "created_at"), 0.5, filter=decided
            ),
            "decide_p90": PercentileCont(between("decided_at", "created_at"), 0.9, filter=decided),
        }
        rows = list(
            asked.annotate(bucket=f.bucket("created_at"))
            .values("bucket")
            .annotate(**figures)
            .order_by("bucket")
        )
        overall = asked.aggregate(**figures)
    fix = lambda row: {k: r(v) if k.startswith("decide_") else v for k, v in row.items()}  # noqa: E731
    return Report(
        "approvals",
        _("Approvals"),
        [
            Column("bucket", _("Period"), "date"),
            Column("requested", _("Requested")),
            Column("approved", _("Approved")),
            Column("rejected", _("Rejected")),
            Column("withdrawn", _("Withdrawn (ticket resolved)")),
            Column("waiting", _("Waiting")),
            Column("decide_median", _("Time to decide, median"), "seconds"),
            Column("decide_p90", _("Time to decide, p90"), "seconds"),
        ],
        with_empty_buckets(
            [fix(row) for row in rows],
            f,
            {
                "requested": 0,
                **dict.fromkeys(_STATES, 0),
                "decide_median": None,
                "decide_p90": None,
            },
        ),
        summary=fix(overall),
        chart={"kind": "bars", "x": "bucket", "series": ["approved", "rejected"]},
        drill=("bucket",),
    )


def csat(f: ReportFilter) -> Report:
    """Surveys sent in the period, by the team and level that had the ticket when
    it was rated (when it was sent, if unanswered): response rate and score."""
    surveys = SurveyResponse.objects.filter(
        f.period_q("sent_at"), f.ticket_q(team_field="team_id", level_field="level")
    )
    figures = {
        "sent": Count("pk"),
        "answered": Count("pk", filter=Q(rating__isnull=False)),
        "score": Avg("rating"),
        "satisfied": Count("pk", filter=Q(rating__gte=4)),
    }
    rows = list(
        surveys.values("team", "team__name", "level")
        .annotate(**figures)
        .order_by("team__name", "level")
    )
    overall = surveys.aggregate(**figures)

    def shape(row: dict) -> dict:
        return {
            **row,
            "team_name": row.get("team__name") or "",
            "response_rate": percent(row["answered"], row["sent"]),
            "score": r(row["score"], 2),
            "satisfied_share": percent(row["satisfied"], row["answered"]),
        }

    return Report(
        "csat",
        _("Customer satisfaction"),
        [
            Column("team_name", _("Team"), "text"),
            Column("level", _("Level"), "text"),
            Column("sent", _("Surveys sent")),
            Column("answered", _("Answered")),
            Column("response_rate", _("Response rate"), "percent"),
            Column("score", _("Score (1-5)"), "float"),
            Column("satisfied_share", _("Rated 4 or 5"), "percent"),
        ],
        [{k: v for k, v in shape(row).items() if k != "team__name"} for row in rows],
        summary={k: v for k, v in shape(overall).items() if k != "team__name"},
        chart={"kind": "hbars", "x": "team_name", "series": ["score"]},
        drill=("team",),
    )
