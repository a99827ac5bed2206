"""Default message templates: (subject, text body) per event kind.

Written in the restricted template language of ``notifications.rendering`` and
marked for translation, so a recipient gets them in their language. Admins
override any of them with a ``MessageTemplate`` row.
Context: ``ticket`` (reference, title, priority, status, level, team, assignee,
url), ``escalation`` (kind, status, from_tier, to_tier, team, manager, reason,
url), ``actor``, ``recipient``, ``for_agent`` (false for requesters, who see
no level, team, assignee nor escalation), ``site`` and the event's own values in
``extra``. Statuses, kinds, triggers and SLA metrics arrive as labels in the
reader's language (the codes as ``status_code`` etc.; ``priority_label`` and
``level_label`` too), see ``notifications.localize``. A reason or a hand-over
draft the system wrote (``escalation.reason``, ``extra.draft``) arrives rendered
in the reader's language and time zone; its message id and values stay at hand
as ``reason_key`` / ``reason_params`` (``draft_key`` / ``draft_params``).
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


def _join(*parts):
    return format_lazy("{}" * len(parts), *parts)


_TICKET = _(
    "Ticket {{ ticket.reference }}: {{ ticket.title }}\n"
    "Priority {{ ticket.priority }}, status {{ ticket.status }}"
    "{% if for_agent %}, level {{ ticket.level }}, team {{ ticket.team|default:'-' }}{% endif %}.\n"
    "{{ ticket.url }}"
)

TEMPLATES = {
    "ticket.created": (
        _("[{{ ticket.reference }}] New ticket: {{ ticket.title }}"),
        _join(_("A new ticket was opened.\n\n"), _TICKET),
    ),
    "ticket.assigned": (
        _("[{{ ticket.reference }}] Assigned to you: {{ ticket.title }}"),
        _join(_("{{ actor|default:'Escalade' }} assigned this ticket to you.\n\n"), _TICKET),
    ),
    "ticket.replied": (
        _("[{{ ticket.reference }}] New reply: {{ ticket.title }}"),
        _("{{ actor }} replied:\n\n{{ extra.body }}\n\n{{ ticket.url }}"),
    ),
    "ticket.status": (
        _("[{{ ticket.reference }}] {{ extra.new }}: {{ ticket.title }}"),
        _join(
            _("{{ actor|default:'Escalade' }} set the status to {{ extra.new }}.\n\n"),
            _TICKET,
        ),
    ),
    "sla.warning": (
        _(
            "[{{ ticket.reference }}] {{ extra.metric }} "
            "{% if extra.overdue %}overdue{% else %}due soon{% endif %} ({{ ticket.priority }})"
        ),
        _join(
            _(
                "The {{ extra.metric }} target of this ticket "
                "{% if extra.overdue %}was{% else %}is{% endif %} due at:\n"
                "{{ extra.due_at|date:'DATETIME_FORMAT' }} ({{ extra.due_at|date:'T' }})\n\n"
            ),
            _TICKET,
        ),
    ),
    "sla.breach": (
        _("[{{ ticket.reference }}] {{ extra.metric }} breached ({{ ticket.priority }})"),
        _join(
            _(
                "The {{ extra.metric }} target of this ticket has been missed. It was due at:\n"
                "{{ extra.due_at|date:'DATETIME_FORMAT' }} ({{ extra.due_at|date:'T' }})\n\n"
            ),
            _TICKET,
        ),
    ),
    "escalation.escalated": (
        _("[{{ ticket.reference }}] Escalated to {{ escalation.to_tier }}: {{ ticket.title }}"),
        _join(
            _(
                "The ticket was escalated from {{ escalation.from_tier }} to "
                "{{ escalation.to_tier }} ({{ escalation.team|default:'-' }}).\n"
                "Reason: {{ escalation.reason }}\n\n"
                "Summary: {{ escalation.summary }}\n"
                "Assistance requested: {{ escalation.assistance_requested }}\n\n"
            ),
            _TICKET,
        ),
    ),
    "escalation.requested": (
        _("[{{ ticket.reference }}] Approval needed: escalation to {{ escalation.to_tier }}"),
        _join(
            _(
                "{{ actor }} asks to escalate this ticket to {{ escalation.to_tier }} "
                "({{ escalation.team|default:'-' }}).\nReason: {{ escalation.reason }}\n"
                "Decide at {{ escalation.url }}\n\n"
            ),
            _TICKET,
        ),
    ),
    "escalation.decided": (
        _("[{{ ticket.reference }}] Escalation {{ decision }}"),
        _join(
            _(
                "{{ actor }} decided your escalation to {{ escalation.to_tier }}: "
                "{{ decision }}."
                "{% if escalation.rejection_reason %} "
                "Why: {{ escalation.rejection_reason }}{% endif %}"
                "\n\n"
            ),
            _TICKET,
        ),
    ),
    "escalation.opened": (
        _("[{{ ticket.reference }}] Managed escalation opened: {{ ticket.title }}"),
        _join(
            _(
                "A managed escalation was opened. Escalation manager: "
                "{{ escalation.manager|default:'-' }}.\nReason: {{ escalation.reason }}\n"
                "{{ escalation.url }}\n\n"
            ),
            _TICKET,
        ),
    ),
    "escalation.monitoring": (
        _("[{{ ticket.reference }}] Escalation in monitoring"),
        _(
            "The escalation is in monitoring.\nMonitoring until: "
            "{{ escalation.monitoring_until|date:'DATETIME_FORMAT' }}\n{{ escalation.url }}"
        ),
    ),
    "escalation.monitoring_ended": (
        _("[{{ ticket.reference }}] Monitoring period ended"),
        _(
            "The monitoring period agreed with the customer ended on "
            "{{ escalation.monitoring_until|date:'DATETIME_FORMAT' }}: close the escalation "
            "with the customer's agreement, or keep monitoring with a new date.\n"
            "{{ escalation.url }}"
        ),
    ),
    "escalation.reopened": (
        _("[{{ ticket.reference }}] Escalation active again"),
        _("The escalation is active again.\n{{ extra.note }}\n{{ escalation.url }}"),
    ),
    "escalation.closed": (
        _("[{{ ticket.reference }}] Escalation closed"),
        _("The escalation was closed.\n{{ extra.note }}\n{{ escalation.url }}"),
    ),
    "escalation.review_requested": (
        _("[{{ ticket.reference }}] Post-escalation review requested"),
        _(
            "The escalated ticket was resolved: please write the post-escalation review.\n"
            "{{ escalation.url }}"
        ),
    ),
    "update.sent": (
        _("[{{ ticket.reference }}] Status update: {{ ticket.title }}"),
        _("{{ extra.body }}\n\n-- {{ actor }}\n{{ ticket.url }}"),
    ),
    "update.due": (
        _("[{{ ticket.reference }}] Stakeholder update due"),
        _join(
            _(
                "The next stakeholder update of this {{ ticket.priority }} ticket is due at "
                "{{ extra.due_at|date:'DATETIME_FORMAT' }}.\n\n"
            ),
            _TICKET,
        ),
    ),
    "update.missed": (
        _("[{{ ticket.reference }}] Stakeholder update missed"),
        _join(
            _(
                "No stakeholder update was sent by {{ extra.due_at|date:'DATETIME_FORMAT' }}, "
                "as the communication plan asks. Send one now.\n\n"
            ),
            _TICKET,
        ),
    ),
    "webhook.disabled": (
        _("Webhook endpoint switched off: {{ extra.endpoint }}"),
        _(
            "The webhook endpoint {{ extra.endpoint }} ({{ extra.url }}) failed too often "
            "and was switched off.\n{{ extra.reason }}"
        ),
    ),
    "duty.handed_over": (
        _(
            "{% if ticket %}[{{ ticket.reference }}] {% endif %}Hand-over from "
            "{{ extra.from_team }} to {{ extra.to_team }}: {{ extra.count }} ticket(s)"
        ),
        _(
            "{{ extra.from_team }}'s duty ended; handed over to {{ extra.to_team }}:\n"
            "{{ extra.tickets }}\n\n{% if extra.note %}Note: {{ extra.note }}\n\n{% endif %}"
            "{{ extra.draft }}{% if ticket %}\n\n{{ ticket.url }}{% endif %}"
        ),
    ),
    "duty.level_off_duty": (
        _("[{{ ticket.reference }}] Nobody on duty at {{ extra.level }}"),
        _join(
            _(
                "The ticket reached {{ extra.level }} while none of its teams was on duty. "
                "It waits for {{ ticket.team|default:'-' }}, on duty from "
                "{{ extra.starts_at|date:'DATETIME_FORMAT'|default:'-' }}.\n\n"
            ),
            _TICKET,
        ),
    ),
    "ticket.resolved": (
        _("[{{ ticket.reference }}] Resolved: {{ ticket.title }}"),
        _(
            "Your ticket {{ ticket.reference }} ({{ ticket.title }}) has been resolved.\n\n"
            "{% if extra.note %}{{ actor|default:'Escalade' }} wrote:\n"
            "{{ extra.note }}\n\n{% endif %}"
            "{% if extra.survey %}How satisfied are you with how it was handled? "
            "One click answers (no sign-in needed):\n"
            "{% for link in extra.survey %}{{ link.rating }}/5: {{ link.url }}\n{% endfor %}"
            "\nThe links work until {{ extra.expires_at|date:'DATETIME_FORMAT' }} "
            "({{ extra.expires_at|date:'T' }}).\n\n{% endif %}"
            "{{ ticket.url }}"
        ),
    ),
    "report.digest": (
        _("Escalade weekly digest, week of {{ extra.week|date:'DATE_FORMAT' }}"),
        _(
            "Your teams ({{ extra.teams }}) last week, against the week before:\n"
            "{% for row in extra.figures %}- {{ row.label }}: {{ row.this }} ({{ row.last }})\n"
            "{% endfor %}\nNow: {{ extra.breached_now }} breached, {{ extra.at_risk }} at risk, "
            "{{ extra.approvals }} approvals waiting, {{ extra.reviews }} reviews due.\n"
            "{% if extra.worst %}\nThe worst tickets:\n{% for t in extra.worst %}"
            "- {{ t.reference }} {{ t.title }}: {{ t.metric }} was due "
            "{{ t.due_at|date:'DATETIME_FORMAT' }} {{ t.url }}\n{% endfor %}{% endif %}"
            "\nDashboard: {{ extra.dashboard }}\nReports: {{ extra.reports }}"
        ),
    ),
}
