"""The server errors a fuzzing run found: each now a 4xx with field messages."""

import pytest

from tests.factories import AdminFactory

BIG = "99999999999999999999"


@pytest.fixture
def admin_api(api_as, db):
    return api_as(AdminFactory(username="root"))


@pytest.mark.parametrize(
    ("payload", "missing"),
    [
        ({"levels": [{}]}, {"position", "tier", "teams"}),
        ({"levels": [{"position": 1, "teams": []}]}, {"tier"}),
    ],
)
def test_partial_path_update_checks_each_level_whole(admin_api, network_path, payload, missing):
    response = admin_api.patch(
        f"/api/v1/escalation-paths/{network_path.pk}/", payload, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["levels"][0]) == missing
    assert network_path.levels.count() == 4


@pytest.mark.parametrize(
    ("payload", "missing"),
    [
        ({"intervals": [{}]}, {"weekday", "start", "end"}),
        ({"holidays": [{}]}, {"date"}),
        ({"intervals": [{"weekday": 0, "start": "09:00"}]}, {"end"}),
    ],
)
def test_partial_calendar_update_checks_each_item_whole(admin_api, always_open, payload, missing):
    response = admin_api.patch(f"/api/v1/calendars/{always_open.pk}/", payload, format="json")

    assert response.status_code == 400
    field = next(iter(payload))
    assert set(response.json()[field][0]) == missing


def test_partial_calendar_update_with_whole_items_still_saves(admin_api, always_open):
    response = admin_api.patch(
        f"/api/v1/calendars/{always_open.pk}/",
        {"holidays": [{"date": "2030-12-25", "name": "Christmas", "recurring": True}]},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert always_open.holidays.get().name == "Christmas"


@pytest.mark.parametrize("method", ["get", "post"])
def test_status_updates_of_an_id_no_key_can_hold_are_not_found(admin_api, method):
    response = getattr(admin_api, method)(
        f"/api/v1/tickets/{BIG}/status-updates/", {"body": "x", "audiences": ["requester"]}
    )

    assert response.status_code == 404


def test_status_update_page_of_an_id_no_key_can_hold_is_not_found(client, db):
    client.force_login(AdminFactory(username="root"))

    response = client.post(f"/tickets/{BIG}/status-update/", {"body": "x"})

    assert response.status_code == 404


def test_an_absence_without_a_kind_is_leave_not_a_server_error(api_as, agent):
    response = api_as(agent).post(
        "/api/v1/duty/absences/",
        {"starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-02T00:00:00Z"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "leave"


def test_the_duty_directory_shows_a_team_without_e_mail(api_as, agent):
    response = api_as(agent).get("/api/v1/duty/directory/")

    assert response.status_code == 200
