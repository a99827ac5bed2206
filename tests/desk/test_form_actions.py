"""A page's form action opened by hand (Enter in the address bar after a refused
form, a new tab, a shared link) leads back to the page the form is on: never a
bare 405 without a page around it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import create_ticket

pytestmark = pytest.mark.django_db


def _patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _address(route: str, pk: int) -> str:
    return "/" + route.replace("<int:pk>", str(pk)).replace("<int:item_pk>", "1")


FORM_ACTIONS = [
    (route, entry.callback.post_only_back)
    for route, entry in _patterns()
    if hasattr(entry.callback, "post_only_back")
]


def test_every_page_form_action_is_found():
    # comment, escalate, close, review, bulk, profile token ... (the list is read
    # from the URLconf; this guards the discovery itself)
    assert len(FORM_ACTIONS) >= 25


@pytest.mark.parametrize(("route", "back"), FORM_ACTIONS)
def test_opening_a_form_action_leads_to_its_page(route, back, client, agent):
    ticket = create_ticket(agent)
    client.force_login(agent)
    address = _address(route, ticket.pk)

    response = client.get(address)

    assert response.status_code == 302
    name, with_pk = back
    assert response["Location"] == reverse(name, kwargs={"pk": ticket.pk} if with_pk else {})
    assert client.head(address).status_code == 302
    assert client.put(address).status_code == 405


def test_signing_in_with_a_form_action_as_next_lands_on_the_ticket(client, agent):
    ticket = create_ticket(agent)
    escalate = f"/tickets/{ticket.pk}/escalate/"

    login = client.get(escalate)
    assert login.status_code == 302
    assert login["Location"].startswith("/accounts/login/")
    client.force_login(agent)
    page = client.get(escalate, follow=True)

    assert page.status_code == 200
    assert page.redirect_chain == [(ticket.get_absolute_url(), 302)]


def test_no_page_of_the_site_answers_get_with_a_bare_405(client, admin_user):
    ticket = create_ticket(admin_user)
    client.force_login(admin_user)
    for route, _entry in _patterns():
        if route.startswith(("api/", "admin/")) or "<" in route.replace("<int:", ""):
            continue
        response = client.get(_address(route, ticket.pk))
        assert response.status_code != 405, route


def test_typing_the_logout_address_asks_first(client, agent):
    client.force_login(agent)

    page = client.get("/accounts/logout/")

    assert page.status_code == 200
    assert b'id="logout-confirm"' in page.content
    assert client.get("/").status_code == 200  # still signed in
    signed_out = client.post("/accounts/logout/", follow=True)
    assert signed_out.redirect_chain == [(reverse("login"), 302)]
    assert "You are signed out." in signed_out.content.decode()


def test_signing_out_keeps_the_persons_language_on_the_sign_in_page(client, agent):
    agent.language = "pl"
    agent.save(update_fields=["language"])
    client.force_login(agent)

    page = client.post("/accounts/logout/", follow=True)

    assert page.redirect_chain == [(reverse("login"), 302)]
    assert '<html lang="pl">' in page.content.decode()
    assert "Wylogowano." in page.content.decode()
    assert client.get("/accounts/logout/")["Location"] == reverse("login")
