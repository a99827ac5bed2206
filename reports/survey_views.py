"""The survey pages: reached from the link in the e-mail or the inbox, no sign-in."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from reports.models import SurveyResponse
from reports.services.surveys import SurveyLinkError, survey_comment, survey_links, survey_rate
from tickets import selectors
from tickets.models import Ticket


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Anything you would like to add? (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea({"rows": 4, "class": "form-control"}),
    )
    opt_out = forms.BooleanField(
        label=_("Do not send me satisfaction surveys any more"),
        required=False,
        widget=forms.CheckboxInput({"class": "form-check-input"}),
    )


def _back_to(request: HttpRequest, answer: SurveyResponse) -> Ticket | None:
    """The ticket to go back to, for a signed-in person who may read it: the link
    in the e-mail is opened signed out too, or by someone the ticket is not for."""
    if not request.user.is_authenticated:
        return None
    try:
        return selectors.ticket_read(user=request.user, pk=answer.ticket_id)
    except Http404:
        return None


@never_cache
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the click records the rating. POST: the comment, which closes the survey."""
    try:
        if request.method == "POST":
            form = CommentForm(request.POST)
            if not form.is_valid():
                return render(
                    request, "reports/survey.html", {"form": form, "token": token}, status=400
                )
            answer = survey_comment(
                token=token,
                comment=form.cleaned_data["comment"],
                opt_out=form.cleaned_data["opt_out"],
            )
            return render(
                request,
                "reports/survey.html",
                {"done": True, "back_to": _back_to(request, answer)},
            )
        answer = survey_rate(token=token)
    except SurveyLinkError as error:
        return render(request, "reports/survey.html", {"error": error.message}, status=error.status)
    return render(
        request,
        "reports/survey.html",
        {
            "survey": answer,
            "form": CommentForm(),
            "token": token,
            "links": [(link["rating"], link["url"]) for link in survey_links(answer)],
            "back_to": _back_to(request, answer),
        },
    )
