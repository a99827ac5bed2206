"""/api/v1/reports/<name>/: the same figures as the pages, the same filters,
the same permissions."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from reports.metrics import REPORTS
from tests.factories import UserFactory
from tickets.models import User

PARAMS = {"start": "2026-03-01", "end": "2026-03-31", "group": "week"}


def test_admin_gets_every_report(dataset, api_as, admin_user):
    client = api_as(admin_user)
    for name in REPORTS:
        answer = client.get(f"/api/v1/reports/{name}/", PARAMS)
        assert answer.status_code == 200, name
        assert answer.json()["name"] == name


def test_figures_match_the_hand_computed_ones(dataset, api_as, admin_user):
    data = api_as(admin_user).get("/api/v1/reports/volume/", PARAMS).json()
    # every week March touches, those without escalations too (1 March is a Sunday)
    assert [(r["bucket"], r["total"]) for r in data["rows"]] == [
        ("2026-02-23", 0),
        ("2026-03-02", 1),
        ("2026-03-09", 4),
        ("2026-03-16", 1),
        ("2026-03-23", 0),
        ("2026-03-30", 0),
    ]
    assert data["period"]["start"] == "2026-03-01T00:00:00+00:00"
    assert data["summary"]["total"] == 6
    levels = api_as(admin_user).get("/api/v1/reports/funnel/", PARAMS).json()
    assert [r["share"] for r in levels["rows"]] == [100.0, 75.0, 25.0, 0.0]


def test_a_manager_sees_only_his_teams(dataset, api_as):
    teams = dataset["teams"]
    lead = UserFactory(username="l1lead")
    teams["L1"].manager = lead
    teams["L1"].save()
    client = api_as(lead)
    assert client.get("/api/v1/reports/volume/", PARAMS).json()["summary"]["total"] == 2
    refused = client.get("/api/v1/reports/volume/", {**PARAMS, "team": teams["L3"].pk})
    assert refused.status_code == 400
    assert "team" in refused.json()


def test_agents_requesters_and_strangers_are_refused(dataset, api, api_as, requester):
    assert api.get("/api/v1/reports/volume/").status_code == 401
    assert (
        api_as(User.objects.get(username="agent1")).get("/api/v1/reports/volume/").status_code
        == 403
    )
    assert api_as(requester).get("/api/v1/reports/volume/").status_code == 403


def test_bad_filters_are_400_with_field_messages(dataset, api_as, admin_user):
    client = api_as(admin_user)
    answer = client.get("/api/v1/reports/sla/", {"start": "2026-03-31", "end": "2026-03-01"})
    assert answer.status_code == 400
    assert answer.json() == {"end": ["The period ends before it starts."]}
    assert client.get("/api/v1/reports/sla/", {"priority": "P9"}).status_code == 400
    assert client.get("/api/v1/reports/sla/", {"team": "x"}).status_code == 400
    assert client.get("/api/v1/reports/sla/", {"start": "yesterday"}).status_code == 400
    assert client.get("/api/v1/reports/nothing/").status_code == 404


def test_query_count_is_fixed(dataset, api_as, admin_user, django_assert_num_queries):
    client = api_as(admin_user)
    # Token and user, the report's queries (time_at_level: two; on PostgreSQL
    # the daily histograms' bin counts, then the values of the bins wanted).
    with django_assert_num_queries(3):
        client.get("/api/v1/reports/time_at_level/", PARAMS)


@pytest.mark.django_db
def test_reports_are_in_the_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/reports/{name}/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {
        "name",
        "start",
        "end",
        "group",
        "team",
        "category",
        "priority",
        "organization",
        "level",
    } <= names
    name = next(p for p in operation["parameters"] if p["name"] == "name")
    assert set(name["schema"]["enum"]) == set(REPORTS)
