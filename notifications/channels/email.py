"""E-mail: rendered at send time in the recipient's language and time zone, so a
template an admin fixes meanwhile applies to what is still waiting."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from notifications import context as ctx
from notifications.channels import Outcome
from notifications.models import Delivery
from notifications.rendering import render_message


def send(delivery: Delivery) -> Outcome:
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
    except (OSError, ValueError) as error:  # smtplib errors are OSErrors
        return Outcome(ok=False, error=f"{type(error).__name__}: {error}")
    return Outcome(ok=True)
