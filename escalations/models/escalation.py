"""Escalation records and managed escalations (team, action plan)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from escalations.models.paths import EscalationLevel
from tickets.models import Team, Ticket, Tier
from tickets.selectors import user_is_agent

# Rows written by bulk SQL (loaders, imports) need no value for the system's notes.
EMPTY_JSON = models.Value({}, output_field=models.JSONField())

# The longest text a review field holds, as the hand-off fields' forms and API allow.
HANDOFF_FIELDS = (
    "summary",
    "steps_taken",
    "impact_assessment",
    "customer_context",
    "time_constraints",
    "assistance_requested",
)


class Escalation(models.Model):
    class Kind(models.TextChoices):
        FUNCTIONAL = "functional", _("Functional (next tier)")
        HIERARCHICAL = "hierarchical", _("Hierarchical (management)")

    class Trigger(models.TextChoices):
        TIME_LIMIT = "time_limit", _("Level time limit ran out")
        SLA_BREACH = "sla_breach", _("SLA breached")
        SEVERITY = "severity", _("Severity (priority criterion)")
        MANUAL = "manual", _("Manual")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")
        ACTIVE = "active", _("Active")
        MONITORING = "monitoring", _("Monitoring")
        CLOSED = "closed", pgettext_lazy("escalation status", "Closed")
        REJECTED = "rejected", _("Rejected")

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("ticket")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    trigger = models.CharField(_("trigger"), max_length=16, choices=Trigger)
    status = models.CharField(_("status"), max_length=16, choices=Status)
    from_tier = models.CharField(_("from level"), max_length=8, choices=Tier)
    to_tier = models.CharField(_("to level"), max_length=8, choices=Tier)
    to_level = models.ForeignKey(
        EscalationLevel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to level"),
    )
    to_team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to team"),
    )
    # A person's reason, or the English text of the system's (``reason_key``): an
    # automatic escalation says why as a note of ``tickets.note_texts``, shown in
    # the reader's language (``tickets.notes.render_field``).
    reason = models.TextField(_("reason"), blank=True)
    reason_key = models.CharField(
        _("system reason"), max_length=64, blank=True, default="", db_default=""
    )
    reason_params = models.JSONField(
        _("system reason values"), default=dict, db_default=EMPTY_JSON, blank=True
    )
    # Hand-off information: required on manual escalations, filled from the
    # ticket on automatic ones.
    summary = models.TextField(_("summary"), blank=True)
    steps_taken = models.TextField(_("steps already taken"), blank=True)
    impact_assessment = models.TextField(_("impact assessment"), blank=True)
    customer_context = models.TextField(_("customer context"), blank=True)
    time_constraints = models.TextField(_("time constraints"), blank=True)
    assistance_requested = models.TextField(_("assistance requested"), blank=True)
    # Hand-off texts the system wrote (automatic ones): by field, the note each was
    # written from, read in the reader's language; the fields keep the English text.
    handoff_notes = models.JSONField(
        _("system hand-off values"), default=dict, db_default=EMPTY_JSON, blank=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    # A person's reason, or the English text of the system's (``rejection_reason_key``).
    rejection_reason_key = models.CharField(
        _("system rejection reason"), max_length=64, blank=True, default="", db_default=""
    )
    rejection_reason_params = models.JSONField(
        _("system rejection reason values"),
        default=dict,
        db_default=models.Value({}, output_field=models.JSONField()),
        blank=True,
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_escalations",
        verbose_name=_("escalation manager"),
    )
    monitoring_until = models.DateTimeField(_("monitoring until"), null=True, blank=True)
    monitoring_ended_at = models.DateTimeField(_("monitoring ended"), null=True, blank=True)
    closure_note = models.TextField(_("closure note"), blank=True)
    customer_agreed = models.BooleanField(_("customer agreed to close"), default=False)
    # What made it happen, once: a clock cycle for time triggers, a criterion for
    # severity, empty for manual ones (those are serialized by the ticket lock).
    trigger_key = models.CharField(
        max_length=64, blank=True, editable=False, verbose_name=_("trigger key")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "trigger_key"],
                condition=~Q(trigger_key=""),
                name="escalation_once_per_trigger",
            ),
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(status="requested"),
                name="one_pending_request_per_ticket",
            ),
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(kind="hierarchical", status__in=["active", "monitoring"]),
                name="one_open_managed_escalation_per_ticket",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "kind"], name="escalation_status_kind"),
            models.Index(fields=["status", "monitoring_until"], name="escalation_monitoring"),
            # Newest first (lists), and escalations made in a period (reports).
            models.Index(fields=["-created_at", "-id"], name="escalation_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.from_tier}→{self.to_tier} of {self.ticket_id}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.REQUESTED, self.Status.ACTIVE, self.Status.MONITORING)


class EscalationTeamMember(models.Model):
    class Role(models.TextChoices):
        INCIDENT_OWNER = "incident_owner", _("Incident owner")
        PROBLEM_OWNER = "problem_owner", _("Problem owner")
        EXPERT = "expert", _("Expert")
        CUSTOMER_CONTACT = "customer_contact", _("Customer contact")
        PROVIDER_CONTACT = "provider_contact", _("Provider contact")

    escalation = models.ForeignKey(
        Escalation, on_delete=models.CASCADE, related_name="members", verbose_name=_("escalation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    contact = models.CharField(_("e-mail or phone"), max_length=200, blank=True)

    class Meta:
        ordering = ["role", "id"]
        verbose_name = _("escalation team member")
        verbose_name_plural = _("escalation team")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""), name="member_is_user_or_named"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user or self.name}"

    def clean(self):
        """A member who is a user is an active agent, or a contact of the ticket's own
        organization named as its customer contact: nobody else is told about a
        ticket they cannot open."""
        if self.user is None:
            return
        if not self.user.is_active:
            raise ValidationError({"user": _("This user is not active.")})
        if user_is_agent(self.user):
            return
        organization_id = self.escalation.ticket.organization_id
        is_contact = (
            organization_id is not None
            and self.user.contact_for.filter(pk=organization_id).exists()
        )
        if not is_contact:
            raise ValidationError(
                {"user": _("Members are agents, or contacts of the ticket's organization.")}
            )
        if self.role != self.Role.CUSTOMER_CONTACT:
            raise ValidationError(
                {"role": _("A contact of the organization joins as its customer contact.")}
            )


class ActionItem(models.Model):
    escalation = models.ForeignKey(
        Escalation,
        on_delete=models.CASCADE,
        related_name="action_items",
        verbose_name=_("escalation"),
    )
    description = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["done_at", "due_at", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action plan")

    def __str__(self) -> str:
        return self.description
