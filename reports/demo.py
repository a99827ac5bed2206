"""Demo report data: three months of past tickets with their level stints,
escalations, reviews, SLA clocks and survey answers, so the reports, the
dashboard and the digest have something to show on a fresh demo site.

Rows are written directly (the history did not happen through the services);
the same seed gives the same history, and a second run adds nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from escalations.models import Escalation, EscalationReview, SlaClock, SlaPolicy
from reports.models import LevelStint, SurveyResponse
from reports.services.rollups import rollups_rebuild
from tickets.models import Category, Organization, Team, Ticket, User

DOMAIN = "history.example"
TITLES = [
    "VPN drops every hour",
    "Checkout page times out",
    "Printer queue stuck",
    "E-mail delivery delayed",
    "Warehouse scanner offline",
    "Slow database reports",
]
TIERS = ("L1", "L2", "L3", "MGMT")
CAUSES = [c for c, _label in EscalationReview.RootCause.choices]


@transaction.atomic
def seed_report_history(*, tickets: int = 150, days: int = 90, seed: int = 14) -> int:
    """Past tickets for the reports; how many were added (0 when already there)."""
    if Ticket.objects.filter(requester_email__endswith=f"@{DOMAIN}").exists():
        return 0
    teams = {team.tier: team for team in Team.objects.order_by("-pk")}
    if not {"L1", "L2"} <= set(teams):
        return 0
    rng = random.Random(seed)  # noqa: S311  (demo data, not secrets)
    now = timezone.now().replace(microsecond=0)
    orgs = list(Organization.objects.all()) or [None]
    categories = list(Category.objects.all()) or [None]
    agents = {tier: list(team.members.all()) for tier, team in teams.items()}
    policy = SlaPolicy.objects.filter(is_active=True).order_by("pk").first()
    rows = []
    for n in range(tickets):
        created = now - timedelta(days=rng.uniform(3, days), hours=rng.uniform(0, 23))
        rows.append(
            Ticket(
                title=rng.choice(TITLES),
                description="A past ticket kept for the reports.",
                requester_name="Past Requester",
                requester_email=f"requester{n % 17}@{DOMAIN}",
                organization=rng.choice(orgs),
                category=rng.choice(categories),
                priority=rng.choice(["P1", "P2", "P2", "P3", "P3", "P3", "P4"]),
                status="closed",
                team=teams["L1"],
                level="L1",
                created_at=created,
            )
        )
    # created_at is auto_now_add: bulk_create stamps every row with now, so put the
    # past back before deriving stints, escalations and clocks from it.
    created = [ticket.created_at for ticket in rows]
    Ticket.objects.bulk_create(rows)
    for ticket, at in zip(rows, created, strict=True):
        ticket.created_at = at
    stints, escalations, clocks, surveys = [], [], [], []
    for ticket in rows:
        at, level, path = ticket.created_at, 0, [0]
        while (
            level + 1 < len(TIERS)
            and TIERS[level + 1] in teams
            and rng.random() < (0.55, 0.35, 0.3)[level]
        ):
            level += 1
            path.append(level)
        if len(path) > 1 and rng.random() < 0.12:
            path.append(path[-2])  # sent back down
        for i, step in enumerate(path):
            wall = int(rng.uniform(0.3, 8) * 3600 * (1 + step))
            left = at + timedelta(seconds=wall)
            last = i == len(path) - 1
            how = "resolved" if last else ("escalated" if path[i + 1] > step else "de_escalated")
            stints.append(
                LevelStint(
                    ticket=ticket,
                    ticket_created_at=ticket.created_at,
                    level=TIERS[step],
                    team=teams[TIERS[step]],
                    entered_at=at,
                    left_at=left,
                    how_left=how,
                    wall_seconds=wall,
                    business_seconds=int(wall * rng.uniform(0.4, 0.9)),
                )
            )
            if how == "escalated":
                trigger = rng.choice(["manual", "time_limit", "sla_breach", "severity"])
                # by hand: someone at the level asked for it; else the system did
                asked = agents.get(TIERS[step]) if trigger == "manual" else None
                escalations.append(
                    Escalation(
                        ticket=ticket,
                        kind="hierarchical" if TIERS[path[i + 1]] == "MGMT" else "functional",
                        trigger=trigger,
                        requested_by=rng.choice(asked) if asked else None,
                        status="closed",
                        from_tier=TIERS[step],
                        to_tier=TIERS[path[i + 1]],
                        to_team=teams[TIERS[path[i + 1]]],
                        summary="Past escalation.",
                        closed_at=left,
                    )
                )
                escalations[-1].at = left
            at = left
        ticket.team, ticket.level = teams[TIERS[path[-1]]], TIERS[path[-1]]
        ticket.resolved_at = ticket.closed_at = at
        ticket.assignee = rng.choice(agents[TIERS[path[-1]]] or [None])
        if policy is not None:
            # Business time is part of the wall time the clock ran (to ``at``): the
            # first response a share of it, the resolution most of it.
            wall_minutes = (at - ticket.created_at).total_seconds() / 60
            for metric, target in (
                ("first_response", policy.first_response_minutes),
                ("resolution", policy.resolution_minutes),
            ):
                if metric == "resolution":
                    used = wall_minutes * rng.uniform(0.4, 0.95)
                else:
                    used = min(
                        rng.uniform(0.2, 1.4) * target, wall_minutes * rng.uniform(0.05, 0.3)
                    )
                clocks.append(
                    SlaClock(
                        ticket=ticket,
                        metric=metric,
                        state="met" if used <= target else "breached_met",
                        policy=policy,
                        target=timedelta(minutes=target),
                        business_used=timedelta(minutes=int(used)),
                        started_at=ticket.created_at,
                        met_at=at,
                        applied={"policy": policy.name, "target_minutes": target},
                    )
                )
        if rng.random() < 0.7:
            surveys.append(
                SurveyResponse(
                    ticket=ticket,
                    nonce="demo",
                    sent_at=at,
                    expires_at=at + timedelta(days=14),
                    rating=rng.choice([None, 2, 3, 4, 4, 5, 5, 5]),
                    answered_at=at + timedelta(hours=2),
                    closed_at=at + timedelta(hours=2),
                    agent=ticket.assignee,
                    team=ticket.team,
                    level=ticket.level,
                )
            )
    Ticket.objects.bulk_update(
        rows, ["created_at", "team", "level", "resolved_at", "closed_at", "assignee"]
    )
    LevelStint.objects.bulk_create(stints)
    Escalation.objects.bulk_create(escalations)
    for escalation in escalations:
        escalation.created_at = escalation.at
    Escalation.objects.bulk_update(escalations, ["created_at"])
    SlaClock.objects.bulk_create(clocks)
    SurveyResponse.objects.bulk_create(surveys)
    ratings = {s.ticket_id: s.rating for s in surveys}
    reviewer = User.objects.filter(managed_teams__isnull=False).first()
    EscalationReview.objects.bulk_create(
        EscalationReview(
            escalation=e,
            submitted_at=e.at + timedelta(days=1) if rng.random() < 0.8 else None,
            submitted_by=reviewer,
            root_cause_category=rng.choice(CAUSES),
            root_cause="Found in the post-escalation review.",
            effectiveness=rng.randint(2, 5),
            handoff_quality=rng.randint(1, 5),
            customer_satisfaction=ratings.get(e.ticket_id),
        )
        for e in escalations
    )
    # Written in bulk, past the listeners: their report facts and rollups are
    # added as a rebuild would (tickets already kept change nothing).
    for _progress in rollups_rebuild():
        pass
    return len(rows)
