"""Tickets, their comments and their append-only audit trail."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tickets.loaded import LoadedRows
from tickets.models.choices import Impact, Priority, SlaRank, Status, Tier, Urgency
from tickets.models.people import Category, Organization, Team


class Ticket(LoadedRows, models.Model):
    # How the desk routes it: shown to agents, not to requesters (pages, API, filters).
    ROUTING_FIELDS = ("level", "team")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=20_000)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requested_tickets",
        verbose_name=_("requester account"),
    )
    requester_name = models.CharField(_("requester name"), max_length=200)
    requester_email = models.EmailField(_("requester e-mail"))
    requester_language = models.CharField(
        _("requester language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("organization"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("category"),
    )
    impact = models.PositiveSmallIntegerField(_("impact"), choices=Impact, default=Impact.MODERATE)
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency, default=Urgency.MEDIUM
    )
    priority = models.CharField(_("priority"), max_length=2, choices=Priority)
    priority_override = models.CharField(
        _("priority set by hand"),
        max_length=2,
        choices=Priority,
        blank=True,
        help_text=_("While set, the matrix and the criteria no longer change the priority."),
    )
    is_security = models.BooleanField(_("security"), default=False)
    is_safety = models.BooleanField(_("safety"), default=False)
    is_legal = models.BooleanField(_("legal / compliance"), default=False)
    is_major_outage = models.BooleanField(_("major outage"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.NEW)
    level = models.CharField(_("level"), max_length=8, choices=Tier, default=Tier.L1)
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("team"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    legal_hold = models.BooleanField(
        _("legal hold"),
        default=False,
        db_default=False,  # rows written by bulk SQL (loaders, imports) need no value
        help_text=_("While set, this ticket's personal data is neither erased nor removed."),
    )
    pseudonymised_at = models.DateTimeField(
        _("personal data removed at"), null=True, blank=True, editable=False
    )
    # The queue's sort key, kept by the SLA clock services and the sweep (never
    # computed per row at read time): 0 breached, 1 at risk, 2 on track, 3 no
    # counting clock; then the earliest due time of a counting clock.
    sla_rank = models.PositiveSmallIntegerField(
        _("SLA urgency"),
        choices=SlaRank,
        default=SlaRank.NONE,
        db_default=SlaRank.NONE,  # bulk SQL loaders and imports need no value
        editable=False,
    )
    sla_due_at = models.DateTimeField(_("next due"), null=True, blank=True, editable=False)
    sla_warn_at = models.DateTimeField(_("next warning"), null=True, blank=True, editable=False)
    # Kept with the sort key: a clock of the ticket breached (overrun counting,
    # paused or met late). With ``sla_due_at`` passed (a counting clock overdue) it
    # is the queue's "breached" filter, read from the ticket's own row.
    sla_breached = models.BooleanField(
        _("SLA breached"), default=False, db_default=False, editable=False
    )
    # Full-text search (PostgreSQL): title, description and comments, kept by
    # ``tickets.search``; its GIN index is created on PostgreSQL only.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["team", "status"], name="ticket_team_status"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status"),
            models.Index(fields=["requester_email"], name="ticket_requester_email"),
            models.Index(fields=["status", "priority"], name="ticket_status_priority"),
            # Reports: tickets resolved in a period.
            models.Index(
                fields=["resolved_at"],
                name="ticket_resolved_at",
                condition=models.Q(resolved_at__isnull=False),
            ),
            # Retention finds closed tickets still holding personal data by closing time.
            models.Index(
                fields=["closed_at"],
                condition=models.Q(status="closed", pseudonymised_at__isnull=True),
                name="ticket_retention_due",
            ),
            models.Index(
                fields=["closed_at"], condition=models.Q(status="closed"), name="ticket_closed_at"
            ),
            # Erasure and export find a person's tickets by address in any case.
            models.Index(Upper("requester_email"), name="ticket_requester_email_ci"),
            models.Index(
                fields=["sla_rank", "sla_due_at", "priority", "created_at", "id"],
                name="ticket_urgency",
            ),
            models.Index(fields=["sla_rank", "sla_warn_at"], name="ticket_urgency_warn"),
            # An agent's lists, team by team (``ticket_rows_narrowed``): the urgency order,
            # the newest first (also a search's newest matches) and by priority.
            models.Index(
                fields=["team", "sla_rank", "sla_due_at", "priority", "created_at", "id"],
                name="ticket_team_urgency",
            ),
            models.Index(fields=["team", "-created_at", "-id"], name="ticket_team_newest"),
            models.Index(
                fields=["team", "priority", "-created_at", "-id"], name="ticket_team_priority"
            ),
            # The API's ordering=next_due, over every status.
            models.Index(fields=["sla_due_at", "id"], name="ticket_next_due"),
            # The API list's default order (newest first) and the queue's by creation.
            models.Index(fields=["-created_at", "-id"], name="ticket_newest"),
            # The queue's sort=priority (newest first in a priority); the API's ordering=priority.
            models.Index(fields=["priority", "-created_at", "-id"], name="ticket_priority_newest"),
            # Search also matches the requester's name in any case: with this index the
            # planner can OR it with the full-text index instead of reading every ticket.
            models.Index(Upper("requester_name"), name="ticket_requester_name_ci"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(impact__gte=1, impact__lte=4), name="ticket_impact_range"
            ),
            models.CheckConstraint(
                condition=models.Q(urgency__gte=1, urgency__lte=4), name="ticket_urgency_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("tickets:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        """Human reference such as ``ESC-000123``, derived from the primary key."""
        if self.pk is None:
            return ""
        return f"{settings.TICKET_REFERENCE_PREFIX}-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.RESOLVED, Status.CLOSED)


class Comment(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, related_name="comments", verbose_name=_("ticket")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("text"), max_length=50_000)
    is_public = models.BooleanField(
        _("public reply"),
        default=True,
        help_text=_("Public replies are visible to the requester; internal notes are not."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["ticket", "created_at"], name="comment_ticket_time")]

    def __str__(self) -> str:
        kind = _("reply") if self.is_public else _("internal note")
        return f"{kind} #{self.pk} on {self.ticket_id}"


class TicketEvent(models.Model):
    """Append-only audit trail: one row per change, never edited nor deleted."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Field changed")
        STATUS = "status", _("Status changed")
        COMMENTED = "commented", _("Comment added")
        ASSIGNED = "assigned", _("Assigned")
        PRIORITY = "priority", _("Priority changed")
        SLA = "sla", _("SLA clock")
        SLA_WARNING = "sla_warning", _("SLA warning")
        SLA_BREACH = "sla_breach", _("SLA breached")
        ESCALATION = "escalation", _("Escalation")

    # No index of its own: event_ticket_time (ticket, created_at) serves it.
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("ticket"),
        db_index=False,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind)
    field = models.CharField(_("field"), max_length=64, blank=True)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("A person's note, or the English text of a system note (note_key)."),
    )
    note_key = models.CharField(
        _("system note"),
        max_length=64,
        blank=True,
        default="",
        db_default="",
        help_text=_("Message id of a note the system wrote; shown in the reader's language."),
    )
    note_params = models.JSONField(
        _("system note values"),
        default=dict,
        db_default=models.Value({}, output_field=models.JSONField()),
        blank=True,
    )
    note_public = models.BooleanField(
        _("note shown to the requester"),
        default=False,
        db_default=False,  # rows written by bulk SQL (loaders, imports) need no value
        help_text=_("Requesters see status changes; their notes only when marked public."),
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.field} on {self.ticket_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Ticket events are append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Ticket events are append-only."))
