"""Signing out: by the menu's form (POST, as Django asks), and by typing
``/accounts/logout/``, which asks first instead of answering a bare 405.
Forgotten passwords (a link by e-mail) and changing one's password."""

import logging
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.views import (
    LoginView,
    LogoutView,
    PasswordChangeView,
    PasswordResetConfirmView,
    PasswordResetView,
)
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.email_layout import email_html, text_as_html

logger = logging.getLogger(__name__)


class SignOutView(LogoutView):
    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("login")
        return render(request, "registration/logout_confirm.html")

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        language = getattr(request.user, "language", "") if was_signed_in else ""
        response = super().post(request, *args, **kwargs)
        if was_signed_in:  # said on the sign-in page it leads to
            messages.success(request, _("You are signed out."))
        if language:
            # the sign-in page goes on in the language the person used, as the
            # language buttons there would keep it
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response


# Forgotten and changed passwords: Django's views and tokens, the e-mail in the
# person's own language and the product's e-mail layout, its link on SITE_URL.

RESET_MAIL_PAUSE = timedelta(minutes=5)


class RefusedIs400:
    """A form sent back with its field messages answers 400, as every form of
    the product does."""

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SignInView(RefusedIs400, LoginView):
    pass


class ResetRequestForm(PasswordResetForm):
    """Sends the link in the person's language; one e-mail per account every
    few minutes, whatever is typed how often (the page answers the same)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        user = context["user"]
        if not cache.add(f"password-reset-mail:{user.pk}", 1, RESET_MAIL_PAUSE.total_seconds()):
            return
        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        context = {
            **context,
            "reset_url": settings.SITE_URL.rstrip("/") + path,
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
            "in_days": settings.PASSWORD_RESET_TIMEOUT % 86400 == 0,
        }
        with translation.override(user.language or translation.get_language()):
            subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
            body = loader.render_to_string(email_template_name, context)
            html = email_html(
                subject=subject,
                body_html=text_as_html(body),
                link=context["reset_url"],
                button_label=_("Choose a new password"),
                footer=_("Sent by Escalade %(site)s because a new password was asked for.")
                % {"site": settings.SITE_URL},
            )
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        message.attach_alternative(html, "text/html")
        try:
            message.send()
        except Exception:  # the page says the same either way; the failure is logged
            logger.exception("The password reset e-mail to user %s was not sent", user.pk)


class ResetRequestView(RefusedIs400, PasswordResetView):
    form_class = ResetRequestForm
    email_template_name = "registration/password_reset_email.txt"


class RulesUnderTheNewPassword:
    """The password rules' messages ("too short", "too common") go under the
    password they are about, not under its confirmation (Django's place)."""

    def validate_password_for_user(self, user, *args, **kwargs):
        super().validate_password_for_user(user, "new_password1")


class NewPasswordForm(RulesUnderTheNewPassword, SetPasswordForm):
    pass


class ChangePasswordForm(RulesUnderTheNewPassword, PasswordChangeForm):
    pass


class ResetConfirmView(RefusedIs400, PasswordResetConfirmView):
    """The new password, then the sign-in page saying it is set. Whoever opened
    the link reads the account's mail: the account's failed sign-ins are
    forgotten (those of the network address stay)."""

    success_url = reverse_lazy("login")
    form_class = NewPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        messages.success(self.request, _("Your new password is set. Log in with it."))
        return response


class PasswordChange(RefusedIs400, PasswordChangeView):
    """Changing one's password from the profile page, back there when done."""

    success_url = reverse_lazy("notifications:profile")
    form_class = ChangePasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is changed."))
        return response
