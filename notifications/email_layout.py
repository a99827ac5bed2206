"""The HTML frame of every e-mail: one responsive column, CSS inlined (mail
clients drop <style> blocks), links clickable, and a button to the ticket or
escalation the message is about. The plain-text part is sent alongside."""

from __future__ import annotations

from django.utils.html import escape, format_html, format_html_join, linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

_BODY = (
    "margin:0;padding:0;background:#f3f4f6;"
    "font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;"
    "color:#1f2937;font-size:15px;line-height:1.5"
)
_CARD = "max-width:600px;width:100%;background:#ffffff;border-radius:6px"
_TITLE = "margin:0 0 12px 0;font-size:18px;line-height:1.3;color:#111827"
_BUTTON = (
    "display:inline-block;padding:10px 18px;background:#0d6efd;color:#ffffff;"
    "text-decoration:none;border-radius:4px;font-weight:600"
)
_FOOT = "color:#6b7280;font-size:12px;padding:12px 24px"
_RATING = (
    "display:inline-block;min-width:36px;padding:8px 0;margin:0 6px 6px 0;text-align:center;"
    "border:1px solid #0d6efd;color:#0d6efd;text-decoration:none;border-radius:4px;"
    "font-weight:600"
)
_SMALL = "color:#6b7280;font-size:13px;margin:0"


def text_as_html(text: str) -> SafeString:
    """Plain text as paragraphs, escaped, with its addresses as links."""
    linked = urlize(escape(text), nofollow=True, autoescape=False)
    styled = linked.replace("<a ", '<a style="color:#0d6efd;word-break:break-all" ')
    return linebreaks(mark_safe(styled))  # noqa: S308 - escaped above, links added by urlize


def rating_buttons(links: list[dict], until: str) -> SafeString:
    """A survey's one-click ratings as a row of buttons, 1 to 5, and until when
    they work (``until``: already in the reader's zone and language)."""
    buttons = format_html_join(
        "",
        '<a href="{}" style="{}" title="{}/5">{}</a>',
        ((link["url"], _RATING, link["rating"], link["rating"]) for link in links),
    )
    return format_html(
        '<p style="margin:16px 0 8px 0">{}</p><p style="margin:0 0 8px 0">{}</p>'
        '<p style="{}">{}</p>',
        _(
            "How satisfied are you with how it was handled? 1 is poor, 5 excellent; "
            "one click answers (no sign-in needed)."
        ),
        buttons,
        _SMALL,
        _("The links work until %(when)s.") % {"when": until},
    )


def email_html(
    *,
    subject: str,
    body_html: str,
    link: str = "",
    site: str = "",
    button_label: str = "",
    footer: str = "",
) -> str:
    """``body_html`` in the frame: the subject as title, the body, the button
    (to ``link``, "Open in Escalade" unless ``button_label`` says otherwise)."""
    button = ""
    if link:
        button = format_html(
            '<p style="margin:20px 0 0 0"><a href="{}" style="{}">{}</a></p>',
            link,
            _BUTTON,
            button_label or _("Open in Escalade"),
        )
    return format_html(
        "<!doctype html><html><head>"
        '<meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>{subject}</title></head>"
        '<body style="{body}">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        'style="background:#f3f4f6"><tr><td align="center" style="padding:16px 8px">'
        '<table role="presentation" cellpadding="0" cellspacing="0" style="{card}">'
        '<tr><td style="padding:24px">'
        '<h1 style="{title}">{subject}</h1>{content}{button}'
        "</td></tr>"
        '<tr><td style="{foot}">{footer}</td></tr>'
        "</table></td></tr></table></body></html>",
        subject=subject,
        body=_BODY,
        card=_CARD,
        title=_TITLE,
        content=mark_safe(body_html),  # noqa: S308 - rendered by the autoescaping engine
        button=button,
        foot=_FOOT,
        footer=footer
        or _("Sent by Escalade %(site)s. Change what you receive in your profile.")
        % {"site": site},
    )
