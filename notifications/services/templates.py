"""Message templates admins write: checked before they are saved, so a message
never waits on a template that cannot be rendered."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from notifications.models import EventKind, MessageTemplate
from notifications.rendering import validate_template


def message_template_save(*, template: MessageTemplate) -> MessageTemplate:
    """Save a template whose subject and bodies compile and render on an example
    event of its kind; one template per event and language. Raises
    ValidationError with field messages otherwise."""
    errors: dict[str, list[str]] = {}
    if template.kind not in EventKind.values:
        errors["kind"] = [_("Unknown event.")]
    for field in ("subject", "body_text", "body_html"):
        source = getattr(template, field)
        if source:
            try:
                validate_template(source, kind=template.kind)
            except ValidationError as error:
                errors[field] = error.messages
    taken = MessageTemplate.objects.filter(kind=template.kind, language=template.language)
    if template.pk is not None:
        taken = taken.exclude(pk=template.pk)
    if taken.exists():
        errors["language"] = [_("This event already has a template in this language.")]
    if errors:
        raise ValidationError(errors)
    template.save()
    return template


def message_template_delete(*, template: MessageTemplate) -> None:
    """Remove a template: its event falls back to the default wording."""
    template.delete()
