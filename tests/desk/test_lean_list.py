"""The ticket list API's cheaper reading of a page: the same JSON as one ticket read
whole, filters copied per request without sharing state, and times written as DRF
writes them."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework import serializers

from config.api import moment, moment_writer
from tests.factories import CategoryFactory, OrganizationFactory, create_ticket
from tickets.filters import TicketFilter
from tickets.models import Ticket

TICKETS_URL = "/api/v1/tickets/"


def test_list_rows_are_the_tickets_read_whole(
    frozen, api_as, agent, l1_team, policy, django_assert_num_queries
):
    organization = OrganizationFactory(name="Acme")
    category = CategoryFactory(name="Network")
    made = [
        create_ticket(
            agent, team=l1_team, organization=organization, category=category, assignee=agent
        ),
        create_ticket(agent, team=l1_team),
    ]
    client = api_as(agent)
    # Token + user, the user's teams, the count, the page, its clocks: a column the
    # list leaves in the database and a row needs would be one more query per row.
    with django_assert_num_queries(5):
        listed = client.get(TICKETS_URL).json()["results"]
    rows = {row["id"]: row for row in listed}
    assert set(rows) == {ticket.pk for ticket in made}
    for ticket in made:
        whole = client.get(f"{TICKETS_URL}{ticket.pk}/").json()
        assert whole["sla_clocks"]  # clocks are compared too
        assert rows[ticket.pk] == whole
        assert list(rows[ticket.pk]) == list(whole)
    assert rows[made[0].pk]["assignee"]["username"] == agent.username
    assert rows[made[0].pk]["category"]["name"] == "Network"


def test_filters_are_copied_for_each_filterset_without_sharing_state(rf, agent):
    request = rf.get(TICKETS_URL)
    request.user = agent
    first = TicketFilter({"q": "printer"}, queryset=Ticket.objects.all(), request=request)
    second = TicketFilter({}, queryset=Ticket.objects.all(), request=request)
    for name, declared in TicketFilter.base_filters.items():
        assert first.filters[name] is not declared
        assert first.filters[name] is not second.filters[name]
        assert first.filters[name].extra is not declared.extra
        assert first.filters[name].parent is first
        # Not the form field a declared filter may hold (the schema generator makes them).
        assert "_field" not in first.filters[name].__dict__
    # A filter's method is looked up on its own filterset, not on another's.
    assert first.filters["q"].filter.method.__self__ is first
    assert second.filters["q"].filter.method.__self__ is second
    assert first.form is not second.form
    assert first.form.fields["team"] is not second.form.fields["team"]
    assert type(first.form) is type(second.form)  # built once for the class


@pytest.mark.parametrize("zone", ["UTC", "Europe/Warsaw", "America/St_Johns"])
def test_moments_are_written_as_drf_writes_them(zone):
    field = serializers.DateTimeField()
    values = [
        datetime(2026, 11, 30, 12, 5, 7, tzinfo=UTC),
        datetime(2026, 7, 1, 23, 59, 59, 123456, tzinfo=UTC),
        datetime(2026, 3, 29, 0, 30, tzinfo=ZoneInfo("Europe/Warsaw")),
        datetime(2026, 11, 30, 12, 5, 7),  # naive: DRF makes it aware in the zone
        None,
    ]
    with timezone.override(ZoneInfo(zone)):
        write = moment_writer()
        for value in values:
            expected = field.to_representation(value) if value else None
            assert write(value) == expected == moment(value)


@pytest.mark.parametrize(
    "params",
    [{}, {"page": "2"}, {"ordering": "-priority", "page_size": "10"}],
)
def test_a_request_naming_no_filter_gets_the_list_without_the_form(rf, agent, params):
    request = rf.get(TICKETS_URL, params)
    request.user = agent
    listed = Ticket.objects.filter(title__startswith="x").order_by("-created_at")
    lean = TicketFilter(request.GET, queryset=listed, request=request)
    assert lean.is_valid()
    assert str(lean.qs.query) == str(listed.query)
    assert "_form" not in lean.__dict__  # neither built nor validated
    # What the form would have given: every filter empty, the list unchanged.
    full = TicketFilter(request.GET, queryset=listed, request=request)
    full.absent_filters_filter_nothing = False
    assert full.is_valid()
    assert str(full.qs.query) == str(lean.qs.query)
    assert "_form" in full.__dict__


@pytest.mark.parametrize(
    "params", [{"status": "open"}, {"created_after": "bad"}, {"q": "printer", "page": "2"}]
)
def test_a_request_naming_a_filter_goes_through_the_form(rf, agent, params):
    request = rf.get(TICKETS_URL, params)
    request.user = agent
    filterset = TicketFilter(request.GET, queryset=Ticket.objects.all(), request=request)
    assert filterset.is_valid() == ("created_after" not in params)
    assert "_form" in filterset.__dict__
