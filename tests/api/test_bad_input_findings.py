"""Server errors the bad-input sweep found (tests/api/test_bad_input_sweep.py):
each now a 4xx with a message, or an ordinary answer."""

import pytest

from tests.factories import create_ticket

pytestmark = pytest.mark.django_db

DEEP = ("[" * 50_000 + "]" * 50_000).encode()


@pytest.mark.parametrize("url", ["/api/v1/tickets/", "/api/v1/auth/token/"])
def test_json_nested_deeper_than_python_decodes_is_a_parse_error(api_as, agent, url):
    response = api_as(agent).post(url, data=DEEP, content_type="application/json")

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_an_id_in_digits_other_than_0_to_9_is_not_found(api_as, agent):
    ticket = create_ticket(agent)
    arabic_indic = str(ticket.pk).translate(
        str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669")
    )

    for written in ("\u00b2", arabic_indic):
        response = api_as(agent).get(f"/api/v1/tickets/{written}/")

        assert response.status_code == 404, written


@pytest.mark.parametrize("ticket", ["\u00b2", str(10**30)])
def test_hand_overs_of_a_ticket_id_no_key_can_hold_are_a_field_error(api_as, agent, ticket):
    response = api_as(agent).get("/api/v1/duty/handovers/", {"ticket": ticket})

    assert response.status_code == 400
    assert response.json()["ticket"]


def test_the_duty_directory_takes_no_ordering(api_as, agent):
    response = api_as(agent).get("/api/v1/duty/directory/", {"ordering": "team"})

    assert response.status_code == 200


def test_a_user_name_longer_than_any_is_a_field_error_not_a_sign_in_record(api, db):
    from axes.models import AccessAttempt

    response = api.post(
        "/api/v1/auth/token/", {"username": "x" * 100_000, "password": "pw"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["username"]
    assert not AccessAttempt.objects.exists()
