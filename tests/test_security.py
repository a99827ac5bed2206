"""Every door holds: sign-in lock-out on the login page, the admin and the API
token, and the Content-Security-Policy header."""

import os
import re
import uuid
from pathlib import Path

import pytest
from django.test import override_settings

from tests.factories import AdminFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", password="right-horse-battery")


def fail(client, url, username, times, **extra):
    for _ in range(times):
        client.post(url, {"username": username, "password": "wrong"}, **extra)


def test_login_page_locks_the_account_after_five_failures(client, alice):
    fail(client, "/accounts/login/", "alice", 5)
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "right-horse-battery"}
    )
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    said = "Too many failed sign-in attempts for this account or from this network address."
    assert f"{said} Try again in 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_then_the_right_password_signs_in(client, alice):
    fail(client, "/accounts/login/", "alice", 4)
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "right-horse-battery"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_admin_login_is_locked_the_same_way(client, db):
    AdminFactory(username="root", password="right-horse-battery")
    fail(client, "/admin/login/", "root", 5)
    response = client.post("/admin/login/", {"username": "root", "password": "right-horse-battery"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_token_endpoint_answers_429_with_a_message_once_locked(api, alice):
    statuses = [
        api.post("/api/v1/auth/token/", {"username": "alice", "password": "x"}).status_code
        for _ in range(5)
    ]
    # The failure that reaches the limit is told the account is now locked.
    assert statuses == [400, 400, 400, 400, 429]
    response = api.post(
        "/api/v1/auth/token/", {"username": "alice", "password": "right-horse-battery"}
    )
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Too many failed sign-in attempts" in response.json()["detail"]


def test_an_account_is_locked_whatever_address_the_attempts_come_from(client, alice):
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR=f"203.0.113.{n + 1}",
        )
    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "right-horse-battery"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 429


def test_an_address_is_locked_whatever_accounts_it_tries(client, alice):
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": f"guess{n}", "password": "wrong"},
            REMOTE_ADDR="203.0.113.9",
        )
    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "right-horse-battery"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 429
    elsewhere = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "right-horse-battery"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert elsewhere.status_code == 302


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (as .ci/run sets)")
def test_lock_out_is_counted_in_redis_shared_by_every_process(api, alice):
    import redis

    prefix = f"lockout-test-{uuid.uuid4().hex}"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=caches, AXES_HANDLER="axes.handlers.cache.AxesCacheHandler"):
        from django.core.cache import caches as live

        live.close_all()
        try:
            for _ in range(5):
                api.post("/api/v1/auth/token/", {"username": "alice", "password": "x"})
            # What another web process would see: the counters are in Redis itself.
            keys = redis.Redis.from_url(os.environ["REDIS_URL"]).keys(f"{prefix}:*")
            assert keys
            response = api.post(
                "/api/v1/auth/token/", {"username": "alice", "password": "right-horse-battery"}
            )
            assert response.status_code == 429
        finally:
            live["default"].clear()
            live.close_all()


@pytest.mark.parametrize("url", ["/accounts/login/", "/api/v1/priority-definitions/", "/admin/"])
def test_every_answer_carries_a_strict_content_security_policy(client, db, url):
    policy = client.get(url)["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_templates_hold_no_inline_script_or_style():
    """What the policy forbids must not be in the pages: no script without src,
    no style attribute, no on* handler."""
    for path in (ROOT / "templates").rglob("*.html"):
        html = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, f"{path}: {tag}"
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path


BIG = "99999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/tickets/{BIG}/",
        f"/api/v1/tickets/{BIG}/status-updates/",
        f"/api/v1/escalations/{BIG}/",
        f"/tickets/{BIG}/",
        f"/escalations/{BIG}/",
        f"/admin/tickets/ticket/{BIG}/change/",
    ],
)
def test_an_id_no_key_can_hold_is_not_found(client, db, url):
    client.force_login(AdminFactory())
    assert client.get(url).status_code == 404


def test_posting_to_an_id_no_key_can_hold_is_not_found(api, db):
    api.force_authenticate(AdminFactory())
    response = api.post(f"/api/v1/tickets/{BIG}/status-updates/", {"body": "x"}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/priority-definitions/P1%00/",
        "/api/v1/communication-plans/P1%00/",
    ],
)
def test_a_nul_byte_in_the_path_is_not_found(client, db, url):
    client.force_login(AdminFactory())
    response = client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "url", ["/admin/tickets/ticket/?q=%00", "/api/v1/tickets/?q=a%00b", "/?q=%00"]
)
def test_a_nul_byte_in_the_query_is_a_bad_request(client, db, url):
    client.force_login(AdminFactory())
    assert client.get(url).status_code == 400


def test_a_session_cookie_with_a_nul_byte_means_no_session(client, db):
    client.cookies["sessionid"] = "abc\x00def"
    response = client.get("/api/v1/tickets/")
    assert response.status_code in (401, 403)


@pytest.mark.parametrize(
    "query",
    [
        "created_after=0001-01-01T00:00:00%2B14:00",
        "created_before=9999-12-31T23:59:59-14:00",
        f"assignee={BIG}",
        f"team={BIG}",
    ],
)
def test_out_of_range_filters_are_field_errors(api, client, db, query):
    admin = AdminFactory()
    api.force_authenticate(admin)
    response = api.get(f"/api/v1/tickets/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()
    client.force_login(admin)
    page = client.get(f"/?{query}")
    assert page.status_code == 200
