"""The favicon: a static file, linked from the pages, and /favicon.ico finds it."""

from django.contrib.staticfiles import finders
from django.templatetags.static import static


def test_favicon_ico_redirects_to_the_static_file(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("favicon.ico")
    assert finders.find("favicon.ico")
    with open(finders.find("favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file


def test_pages_link_the_favicon(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert f'<link rel="icon" href="{static("favicon.ico")}">' in page
    admin = client.get("/admin/login/").content.decode()
    assert f'<link rel="icon" href="{static("favicon.ico")}">' in admin
