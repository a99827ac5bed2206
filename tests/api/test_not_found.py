"""A 404 from the API is JSON in the client's language, whether the object is
missing (or not the client's) or the address answers nothing."""

import pytest

NOT_FOUND = {
    "en": "Not found.",
    "pl": "Nie znaleziono.",
    "fr": "Introuvable.",
    "nl": "Niet gevonden.",
    "ru": "Не найдено.",  # noqa: RUF001
}


@pytest.mark.parametrize("language", sorted(NOT_FOUND))
def test_a_missing_object_is_told_in_the_token_owners_language(api_as, admin_user, language):
    admin_user.language = language
    admin_user.save()
    client = api_as(admin_user)
    for path in ("/api/v1/tickets/999999/", "/api/v1/escalations/999999/"):
        answer = client.get(path)
        assert answer.status_code == 404
        assert answer.json() == {"detail": NOT_FOUND[language]}


def test_an_unknown_api_address_answers_json_and_pages_stay_pages(client):
    answer = client.get("/api/v1/no-such-list/", HTTP_ACCEPT_LANGUAGE="pl")
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json"
    assert answer.json() == {"detail": "Nie znaleziono."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert b'id="error-page"' in page.content
