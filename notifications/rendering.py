"""Messages rendered with a restricted template language.

Admins edit message templates, so templates must not reach settings or walk
object attributes: the engine has no loaders (no include / extends), no ``load``
and no ``debug`` tag, and templates only ever see plain values (str, int,
datetimes, dicts, lists) built by ``notifications.context``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.template import (
    Context,
    Engine,
    Library,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
)
from django.template.base import Lexer, TokenType, Variable, VariableNode
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications import defaults
from notifications.email_layout import email_html, rating_buttons, text_as_html
from notifications.localize import localized

logger = logging.getLogger(__name__)
register = Library()

_TAGS = (
    "autoescape",
    "comment",
    "cycle",
    "filter",
    "firstof",
    "for",
    "if",
    "ifchanged",
    "now",
    "regroup",
    "spaceless",
    "templatetag",
    "verbatim",
    "widthratio",
    "with",
)
# pprint shows object internals; stringformat's width ("%0999999999d") is unbounded.
_UNSAFE_FILTERS = {"pprint", "stringformat"}
# Filters whose argument sets a width or precision: capped, so a template cannot
# make a message of a gigabyte.
_WIDTH_FILTERS = {"ljust", "rjust", "center", "floatformat"}
MAX_WIDTH = 200


def _capped(name: str, original):
    def capped(value, arg=None):
        try:
            width = abs(int(str(arg).rstrip("gu") or 0))
        except ValueError:
            width = 0
        if width > MAX_WIDTH:
            return value
        return original(value) if arg is None else original(value, arg)

    capped.__name__ = name
    for attribute in ("is_safe", "needs_autoescape", "expects_localtime"):
        if hasattr(original, attribute):
            setattr(capped, attribute, getattr(original, attribute))
    return capped


for _name in _TAGS:
    register.tags[_name] = defaulttags.register.tags[_name]
for _name, _filter in defaultfilters.register.filters.items():
    if _name in _WIDTH_FILTERS:
        register.filters[_name] = _capped(_name, _filter)
    elif _name not in _UNSAFE_FILTERS:
        register.filters[_name] = _filter


class SafeEngine(Engine):
    default_builtins = ["notifications.rendering"]


@cache
def engine() -> Engine:
    return SafeEngine(loaders=[], libraries={}, autoescape=True, string_if_invalid="")


@lru_cache(maxsize=512)
def compile_template(source: str):
    """Compiled once per source text: an event's recipients, and the messages of a
    worker's whole life, share the parse (a compiled template is reusable)."""
    return engine().from_string(source)


def validate_template(source: str, *, kind: str = "") -> None:
    """Raise ValidationError with the engine's message when ``source`` does not
    compile, or fails when rendered with an example of the values of ``kind``."""
    from notifications.context import example_values

    try:
        template = compile_template(source)
    except TemplateSyntaxError as error:
        raise ValidationError(_("Template error: %(error)s") % {"error": error}) from error
    _refuse_half_tags(source)
    values = example_values(kind)
    _refuse_unknown_values(template, localized(values))
    try:
        template.render(Context(values, autoescape=False))
    except Exception as error:
        raise ValidationError(
            _("Template error when rendered: %(error)s")
            % {"error": f"{type(error).__name__}: {error}"}
        ) from error


# The values of these are the two records, whose keys are fixed; ``extra`` and the
# dicts inside a record (``reason_params``, ``handoff_notes``) vary by event.
_RECORDS = ("ticket", "escalation")


def _refuse_unknown_values(template, values: dict) -> None:
    """The engine prints nothing for ``{{ ticket.titel }}``: a misspelt value would
    leave a gap in every message. Refused by name, with the names there are."""
    nodes = template.nodelist
    local = {"forloop"}
    for node in nodes.get_nodes_by_type(defaulttags.ForNode):
        local.update(node.loopvars)
    for node in nodes.get_nodes_by_type(defaulttags.WithNode):
        local.update(node.extra_context)
    expressions = [node.filter_expression for node in nodes.get_nodes_by_type(VariableNode)]
    expressions += [node.sequence for node in nodes.get_nodes_by_type(defaulttags.ForNode)]
    for expression in expressions:
        variable = expression.var
        if not isinstance(variable, Variable) or variable.lookups is None:
            continue  # a literal
        head, *rest = variable.lookups
        if head in local:
            continue
        if head not in values:
            known = sorted(values)
        elif head in _RECORDS and rest and isinstance(values[head], dict):
            if rest[0] in values[head]:
                continue
            known = [f"{head}.{key}" for key in values[head]]
        else:
            continue
        raise ValidationError(
            _(
                "Unknown value “{{ %(name)s }}”: messages would show nothing there. "
                "There are: %(known)s."
            )
            % {"name": variable.var, "known": ", ".join(known)}
        )


HALF_TAGS = ("{{", "}}", "{%", "%}")
_UNTIL = "{{ extra.expires_at|date:'DATETIME_FORMAT' }} ({{ extra.expires_at|date:'T' }})"


def _refuse_half_tags(source: str) -> None:
    """The engine prints ``{{ ticket.title }`` as it is: a value that is not closed
    (or a tag not opened) would reach every reader as braces. Refused by name."""
    for token in Lexer(source).tokenize():
        if token.token_type != TokenType.TEXT:
            continue
        for mark in HALF_TAGS:
            at = token.contents.find(mark)
            if at >= 0:
                near = token.contents[max(0, at - 10) : at + 30].strip()
                raise ValidationError(
                    _("Template error: “%(mark)s” is not closed or not opened, near “%(near)s”.")
                    % {"mark": mark, "near": near}
                )


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str


def _source(kind: str, language: str) -> tuple[str, str, str]:
    from notifications.models import MessageTemplate

    rows = {
        row.language: row
        for row in MessageTemplate.objects.filter(kind=kind, language__in=[language, ""])
    }
    row = rows.get(language) or rows.get("")
    if row is not None:
        return row.subject, row.body_text, row.body_html
    subject, text = defaults.TEMPLATES[kind]
    with translation.override(language):  # whoever asks, the default in ``language``
        return str(subject), str(text), ""


def render_message(
    *,
    kind: str,
    context: dict,
    language: str,
    time_zone: str,
    sources: dict | None = None,
    html: bool = True,
) -> Message:
    """Render the message for ``kind`` in ``language`` with dates in ``time_zone``.
    ``sources`` caches the template lookup across the recipients of one event;
    ``html=False`` (an inbox message: subject and text only) leaves the HTML out."""
    language = language or "en"
    try:
        zone = ZoneInfo(time_zone or "UTC")
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    with translation.override(language), timezone.override(zone):
        if sources is None:
            sources = {}
        if (kind, language) not in sources:
            sources[(kind, language)] = _source(kind, language)
        context = localized(context)
        try:
            return _render(*sources[(kind, language)], context, html=html)
        except Exception:
            # Saved before validation existed, broken by an upgrade, or failing on
            # values the check at save time did not have: the message still goes
            # out, in the default wording, and the event it tells is not undone.
            logger.exception("Message template for %s/%s does not render", kind, language)
            subject, text = defaults.TEMPLATES[kind]
            return _render(str(subject), str(text), "", context, html=html)


def personal_to(kind: str, language: str, sources: dict) -> bool:
    """Whether the message for ``kind`` in ``language`` names its recipient (its
    template, or the default it falls back to, uses ``recipient``): if not, every
    recipient with the same language, time zone and view of the event reads the
    same words, rendered once. Reads the template into ``sources`` if not there yet."""
    language = language or "en"
    if (kind, language) not in sources:
        sources[(kind, language)] = _source(kind, language)
    key = ("personal", kind, language)
    if key not in sources:
        parts = (*sources[(kind, language)], *defaults.TEMPLATES[kind])
        sources[key] = any("recipient" in str(part) for part in parts)
    return sources[key]


def _render(
    subject_src: str, text_src: str, html_src: str, context: dict, *, html: bool = True
) -> Message:
    ctx = Context(context, autoescape=False)
    subject = " ".join(compile_template(subject_src).render(ctx).split())[:300]
    text = compile_template(text_src).render(ctx).strip()
    if not html:
        return Message(subject=subject, text=text, html="")
    extra = context.get("extra") if isinstance(context.get("extra"), dict) else {}
    if html_src:
        body = compile_template(html_src).render(Context(context, autoescape=True))
    elif extra.get("survey"):
        # The survey's five long addresses as a row of buttons, not as text.
        without = Context({**context, "extra": {**extra, "survey": []}}, autoescape=False)
        body = text_as_html(compile_template(text_src).render(without).strip()) + rating_buttons(
            extra["survey"], compile_template(_UNTIL).render(ctx)
        )
    else:
        body = text_as_html(text)
    link = (context.get("escalation") or {}).get("url") or (context.get("ticket") or {}).get("url")
    html = email_html(
        subject=subject, body_html=body, link=link or "", site=context.get("site") or ""
    )
    return Message(subject=subject, text=text, html=html)
