"""E-mail: rendered at send time in the recipient's language and time zone, so a
template an admin fixes meanwhile applies to what is still waiting."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from notifications import context as ctx
from notifications.channels import Outcome
from notifications.models import Delivery
from notifications.rendering import render_message


def send(delivery: Delivery) -> Outcome:
    """Send the e-mail. Connection errors, time-outs and temporary (4xx) SMTP
    answers are worth retrying; a refused recipient or sender with a permanent
    (5xx) answer, and a message that cannot be built (a header with a line
    break, an address Django refuses), are not."""
    message = render_message(
        kind=delivery.kind,
        context=ctx.revive(delivery.context),
        language=delivery.language,
        time_zone=delivery.time_zone,
    )
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.address],
        headers={"X-Escalade-Event-Id": str(delivery.event_id), "X-Escalade-Event": delivery.kind},
    )
    mail.attach_alternative(message.html, "text/html")
    try:
        mail.send()
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _answer in error.recipients.values()]
        return _failed(error, retryable=any(_temporary(code) for code in codes))
    except smtplib.SMTPSenderRefused as error:
        return _failed(error, retryable=_temporary(error.smtp_code))
    except OSError as error:  # the other smtplib errors are OSErrors too
        return _failed(error)
    except ValueError as error:  # BadHeaderError included: the same message fails again
        return _failed(error, retryable=False)
    return Outcome(ok=True)


def _temporary(code: int) -> bool:
    # RFC 5321, 4.2.1: 4yz is a transient failure (greylisting, a full mailbox
    # for now), 5yz a permanent one.
    return not 500 <= code < 600


def _failed(error: Exception, *, retryable: bool = True) -> Outcome:
    return Outcome(ok=False, error=f"{type(error).__name__}: {error}", retryable=retryable)
