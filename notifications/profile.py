"""The profile page: language, time zone, notification preferences and the API
token, for every user. Forms validate; services decide."""

import zoneinfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.authtoken.models import Token

from config.posting import post_only
from notifications.forms import PreferencesForm
from notifications.services import inbox
from tickets import services
from tickets.forms import add_service_errors
from tickets.middleware import preferences_activate


class ProfileForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        help_text=gettext_lazy("Pages, API answers and messages in this language."),
    )
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            ("", _("The browser's language")),
            *((code, name) for code, name in settings.LANGUAGES),
        ]
        self.fields["time_zone"].choices = zone_choices(self.initial.get("time_zone"))
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


REGIONS = (
    *("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic"),
    *("Australia", "Europe", "Indian", "Pacific"),
)


def zone_choices(current: str | None = None) -> list:
    """The time zones people live in, by region ("Europe" > "Warsaw"), and UTC;
    not the database's aliases ("Zulu", "W-SU", "localtime"). A zone already chosen
    outside them (through the API, say) is kept on offer."""
    regions: dict[str, list] = {}
    for zone in sorted(zoneinfo.available_timezones()):
        region, _slash, place = zone.partition("/")
        if region in REGIONS and place:
            regions.setdefault(region, []).append(
                (zone, place.replace("_", " ").replace("/", " / "))
            )
    choices: list = [("UTC", "UTC")]
    if current and current != "UTC" and all(current not in dict(z) for z in regions.values()):
        choices.append((current, current))
    return [*choices, *regions.items()]


def _render(request: HttpRequest, profile_form=None, preferences_form=None, status=200, key=""):
    user = request.user
    return render(
        request,
        "notifications/profile.html",
        {
            "profile_form": profile_form
            or ProfileForm(initial={"language": user.language, "time_zone": user.time_zone}),
            "form": preferences_form or PreferencesForm(user=user),
            "has_token": Token.objects.filter(user=user).exists(),
            "new_token": key,
        },
        status=status,
    )


SHOWN_ONCE = "profile:new-token"


@login_required
def profile_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render(request, key=request.session.pop(SHOWN_ONCE, ""))
    form = ProfileForm(request.POST, initial={"time_zone": request.user.time_zone})
    if form.is_valid():
        try:
            services.profile_update(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            preferences_activate(request.user)  # say it in the language just chosen
            messages.success(request, _("Your language and time zone are saved."))
            return redirect("notifications:profile")
    return _render(request, profile_form=form, status=400)


@login_required
@post_only("notifications:profile", pk=False)
def profile_preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST, user=request.user)
    if not form.is_valid():
        return _render(request, preferences_form=form, status=400)
    inbox.preferences_set(user=request.user, choices=form.choices())
    messages.success(request, _("Your notification preferences are saved."))
    return redirect("notifications:profile")


@login_required
@post_only("notifications:profile", pk=False)
def profile_token(request: HttpRequest) -> HttpResponse:
    """Create (or replace) the API token, shown once; or revoke it."""
    if request.POST.get("revoke"):
        services.api_token_revoke(user=request.user)
        messages.success(request, _("Your API token is revoked."))
        return redirect("notifications:profile")
    token = services.api_token_create(user=request.user)
    # Shown once, on the page the redirect leads to: reloading that page neither
    # posts again (which would replace the token just copied) nor shows it again.
    request.session[SHOWN_ONCE] = token.key
    messages.success(request, _("Your new API token is made: copy it now, it is shown only once."))
    return redirect("notifications:profile")
