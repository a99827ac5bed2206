"""A person's own page: the language and time zone they read Escalade in."""

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

from tickets.forms import add_service_errors
from tickets.middleware import preferences_activate
from tickets.services.people import user_preferences_set


def _zones():
    return [(zone, zone) for zone in sorted(zoneinfo.available_timezones())]


class AccountForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        help_text=gettext_lazy("Pages, API answers and messages in this language."),
    )
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), choices=_zones)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            ("", _("The browser's language")),
            *((code, name) for code, name in settings.LANGUAGES),
        ]


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = AccountForm(request.POST)
        if form.is_valid():
            try:
                user_preferences_set(user=user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                preferences_activate(user)  # say it in the language just chosen
                messages.success(request, _("Your language and time zone are saved."))
                return redirect("tickets:account")
    else:
        form = AccountForm(initial={"language": user.language, "time_zone": user.time_zone})
    return render(request, "tickets/account.html", {"form": form})
