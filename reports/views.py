"""Report pages: the reports, their downloads, the drill-down to tickets, the
manager dashboard and the home page that sends managers to it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from reports.access import managed_team_ids, report_scope
from reports.dashboard import manager_dashboard
from reports.drill import drill_tickets
from reports.exports import csv_response, xlsx_response
from reports.forms import ReportFilterForm
from reports.metrics import REPORT_TITLES, REPORTS
from tickets.selectors import user_is_admin

WEEK_LABELS = {
    "tickets_created": _("Tickets opened"),
    "tickets_resolved": _("Tickets resolved"),
    "escalations": _("Escalations"),
    "breaches": _("SLA breaches"),
}


def _form(request: HttpRequest) -> ReportFilterForm:
    scope = report_scope(request.user)
    return ReportFilterForm(request.GET or None, scope=scope, time_zone=request.user.time_zone)


def _filter(form: ReportFilterForm):
    if not form.is_bound:
        form = ReportFilterForm({}, scope=form.scope, time_zone=form.time_zone)
        form.is_valid()
        return form.report_filter()
    return form.report_filter() if form.is_valid() else None


def _report_or_404(name: str):
    if name not in REPORTS:
        raise Http404(_("No such report."))
    return REPORTS[name]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Team managers start on their dashboard, everybody else on the queue."""
    if managed_team_ids(request.user) and not user_is_admin(request.user):
        return redirect("reports:dashboard")
    return redirect("tickets:queue")


@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    f = _filter(form)
    status = 200 if f is not None else 400
    return render(
        request,
        "reports/index.html",
        {"form": form, "reports": _listing(), "params": request.GET},
        status=status,
    )


def _listing():
    return [(name, REPORT_TITLES[name]) for name in REPORTS]


@login_required
def report_detail(request: HttpRequest, name: str) -> HttpResponse:
    build = _report_or_404(name)
    form = _form(request)
    f = _filter(form)
    if f is None:
        return render(
            request,
            "reports/report.html",
            {
                "form": form,
                "report": None,
                "name": name,
                "title": REPORT_TITLES[name],
                "reports": _listing(),
            },
            status=400,
        )
    report = build(f)
    return render(
        request,
        "reports/report.html",
        {
            "form": form,
            "report": report,
            "name": name,
            "filter": f,
            "params": request.GET,
            "query": request.GET.urlencode(),
            "reports": _listing(),
        },
    )


@login_required
def report_export(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    build = _report_or_404(name)
    form = _form(request)
    f = _filter(form)
    if f is None:
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    report = build(f)
    return csv_response(report, f) if fmt == "csv" else xlsx_response(report, f)


@login_required
def report_drill(request: HttpRequest, name: str) -> HttpResponse:
    _report_or_404(name)
    form = _form(request)
    f = _filter(form)
    error = None
    tickets = None
    if f is not None:
        try:
            tickets = drill_tickets(name=name, f=f, key=request.GET)
        except ValidationError as exc:
            error = exc
    if tickets is None:
        return render(
            request,
            "reports/drill.html",
            {"form": form, "name": name, "error": error, "page": None},
            status=400,
        )
    page = Paginator(tickets, 25).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "reports/drill.html",
        {
            "form": form,
            "name": name,
            "page": page,
            "query": params.urlencode(),
            "title": REPORTS[name].__name__,
        },
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    teams = report_scope(request.user)
    figures = manager_dashboard(teams=teams, time_zone=request.user.time_zone)
    weeks = [(WEEK_LABELS[key], this, last) for key, this, last in figures["weeks"]]
    return render(request, "reports/dashboard.html", {"d": figures, "weeks": weeks})
