"""The profile page and /api/v1/users/me/: language, time zone, notification
preferences, API token."""

from rest_framework.authtoken.models import Token

from notifications.models import Preference


def test_the_profile_page_saves_language_and_time_zone(client, requester):
    client.force_login(requester)
    assert client.get("/profile/").status_code == 200
    response = client.post("/profile/", {"language": "pl", "time_zone": "Europe/Warsaw"})
    assert response.status_code == 302
    requester.refresh_from_db()
    assert (requester.language, requester.time_zone) == ("pl", "Europe/Warsaw")


def test_bad_profile_input_is_a_400_with_messages(client, requester):
    client.force_login(requester)
    response = client.post("/profile/", {"language": "xx", "time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    assert set(response.context["profile_form"].errors) == {"language", "time_zone"}


def test_the_time_zones_offered_are_places_by_region_not_aliases(client, requester):
    client.force_login(requester)
    body = client.get("/profile/").content.decode()
    assert '<optgroup label="Europe">' in body
    assert '<option value="Europe/Warsaw">Warsaw</option>' in body
    assert '"America/Argentina/Buenos_Aires">Argentina / Buenos Aires</option>' in body
    for alias in ("Zulu", "W-SU", "localtime", "UCT", "Universal"):
        assert f'value="{alias}"' not in body
    # a zone chosen through the API outside the list stays on offer, and saves again
    requester.time_zone = "Etc/GMT+5"
    requester.save()
    assert 'value="Etc/GMT+5" selected' in client.get("/profile/").content.decode()
    again = client.post("/profile/", {"language": "", "time_zone": "Etc/GMT+5"})
    assert again.status_code == 302


def test_the_profile_page_creates_and_revokes_the_api_token(client, agent):
    client.force_login(agent)
    response = client.post("/profile/token/")
    assert response.status_code == 302  # a reload of the page posts nothing again
    key = Token.objects.get(user=agent).key
    page = client.get(response["Location"]).content.decode()
    assert f'readonly aria-label="API token">{key}</textarea>' in page
    assert "shown only once" in page
    assert key not in client.get("/profile/").content.decode()  # shown once only
    assert Token.objects.get(user=agent).key == key
    assert client.post("/profile/token/", {"revoke": "1"}).status_code == 302
    assert not Token.objects.filter(user=agent).exists()


def test_the_profile_page_saves_preferences(client, agent):
    client.force_login(agent)
    response = client.post("/profile/preferences/", {"ticket.assigned__inapp": "on"})
    assert response.status_code == 302
    assert Preference.objects.filter(user=agent, kind="ticket.assigned", channel="email").exists()


def test_users_me_reads_and_patches(api_as, agent):
    client = api_as(agent)
    me = client.get("/api/v1/users/me/").json()
    assert me["username"] == "agent1"
    assert me["is_agent"] is True
    assert any(row["kind"] == "ticket.assigned" for row in me["preferences"])
    changed = client.patch(
        "/api/v1/users/me/",
        {
            "language": "fr",
            "time_zone": "Europe/Paris",
            "preferences": [{"kind": "ticket.assigned", "email": False}],
        },
        format="json",
    )
    assert changed.status_code == 200
    agent.refresh_from_db()
    assert (agent.language, agent.time_zone) == ("fr", "Europe/Paris")
    row = next(r for r in changed.json()["preferences"] if r["kind"] == "ticket.assigned")
    assert row["email"] is False


def test_users_me_refuses_bad_input_with_field_messages(api_as, agent):
    client = api_as(agent)
    for data, field in (
        ({"language": "xx"}, "language"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"preferences": [{"kind": "nope"}]}, "preferences"),
        ({"preferences": [{"kind": "sla.breach", "email": True}] * 20_000}, "preferences"),
        ({"preferences": [{"kind": "sla.breach"}, {"kind": "sla.breach"}]}, "preferences"),
        ({"username": "root"}, "username"),
    ):
        response = client.patch("/api/v1/users/me/", data, format="json")
        assert response.status_code == 400, data
        assert field in response.json(), response.json()


def test_users_me_token_create_and_revoke(api_as, agent):
    client = api_as(agent)
    old = Token.objects.get(user=agent).key
    created = client.post("/api/v1/users/me/token/")
    assert created.status_code == 201
    new = created.json()["token"]
    assert new != old
    client.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert client.delete("/api/v1/users/me/token/").status_code == 204
    assert not Token.objects.filter(user=agent).exists()
    assert client.get("/api/v1/users/me/").status_code == 401
