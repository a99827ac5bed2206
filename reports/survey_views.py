"""The survey pages: reached from the link in the e-mail or the inbox, no sign-in."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from reports.services.surveys import SurveyLinkError, survey_comment, survey_links, survey_rate


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
            survey_comment(
                token=token,
                comment=form.cleaned_data["comment"],
                opt_out=form.cleaned_data["opt_out"],
            )
            return render(request, "reports/survey.html", {"done": True})
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
        },
    )
