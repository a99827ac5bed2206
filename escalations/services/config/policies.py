"""SLA policies: saving, deleting, and re-targeting the clocks they govern."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from escalations import tasks
from escalations.models import SlaPolicy
from escalations.services.config import fields_apply

POLICY_FIELDS = (
    "name",
    "is_active",
    "priority",
    "category",
    "organization_tier",
    "first_response_minutes",
    "next_update_minutes",
    "resolution_minutes",
    "warning_percent",
    "calendar",
    "escalate_on_breach",
)


def sla_policy_check(*, policy: SlaPolicy) -> None:
    """One active policy per priority, category and organization tier: two
    would make "the most specific policy" ambiguous; and a first response due no
    later than the resolution. ValidationError otherwise."""
    first, resolution = policy.first_response_minutes, policy.resolution_minutes
    if first is not None and resolution is not None and first > resolution:
        said = _("A first response is due no later than the resolution (%(n)s minutes).")
        raise ValidationError({"first_response_minutes": said % {"n": resolution}})
    if not policy.is_active:
        return
    clash = (
        SlaPolicy.objects.filter(
            is_active=True,
            priority=policy.priority,
            category=policy.category_id,
            organization_tier=policy.organization_tier,
        )
        .exclude(pk=policy.pk)
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "Another active policy already covers this priority, category and tier: "
                    "%(name)s."
                )
                % {"name": clash.name}
            }
        )


@transaction.atomic
def sla_policy_save(*, policy: SlaPolicy | None = None, data: Mapping[str, Any]) -> SlaPolicy:
    """Create a policy (``policy`` None, or a new unsaved one) or change one with
    ``data``, its fields by name (``POLICY_FIELDS``).

    Rules: the field limits (targets of a minute to a year of business time, a
    warning at 1 to 99 % of the target) and ``sla_policy_check``; ValidationError
    with field messages otherwise. Once saved, every open ticket is re-matched
    and its open clocks re-targeted, keeping the time used, in one background
    run after the commit: the policy may now govern tickets it did not, or no
    longer govern others."""
    policy = policy if policy is not None else SlaPolicy()
    fields_apply(instance=policy, data=data, allowed=POLICY_FIELDS)
    policy.full_clean()
    sla_policy_check(policy=policy)
    policy.save()
    sla_policy_retarget(policy=policy)
    return policy


@transaction.atomic
def sla_policy_delete(*, policy: SlaPolicy) -> None:
    """Delete a policy. Its clocks keep the targets they had (an old report stays
    true); the open tickets are re-matched in the background, as when a policy
    is switched off, so those another policy now governs follow it."""
    policy.delete()
    tasks.recompute_clocks_after_commit()


def sla_policy_retarget(*, policy: SlaPolicy) -> None:
    """Re-match every open ticket and re-target its open clocks, keeping the
    business time used, in one background run after the commit (normally set
    off by every save of ``policy``)."""
    tasks.recompute_clocks_after_commit(policy_id=policy.pk)
