"""Passwords, sessions, roles, CSRF and login throttling of the staff console."""

from __future__ import annotations

import time

import pytest

from bot.web.console.passwords import hash_password, verify_password
from bot.web.console.sessions import SessionData, read_session, set_session_cookie
from bot.web.console.settings import get_console_settings
from tests.console.conftest import csrf_of, login
from tests.console.helpers import PASSWORD, make_user


def test_password_hashes_are_salted_scrypt_and_verify():
    first, second = hash_password("una password lunga"), hash_password("una password lunga")
    assert first.startswith("scrypt$") and first != second
    assert verify_password("una password lunga", first)
    assert not verify_password("una password Lunga", first)
    assert not verify_password("x", "md5$abc")


def test_login_sets_a_strict_httponly_cookie_and_logout_ends_the_session(client):
    make_user("anna", "operatore")
    page = client.get("/staff/login")
    token = csrf_of(page.text)
    response = client.post(
        "/staff/login",
        data={"csrf_token": token, "username": "Anna", "password": PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "console_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    old_cookie = client.cookies.get("console_session")

    page = client.get("/staff/richieste")
    assert page.status_code == 200 and "anna" in page.text
    logout = client.post(
        "/staff/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert logout.status_code == 303

    client.cookies.set("console_session", old_cookie, path="/staff")  # a stolen copy
    again = client.get("/staff/richieste", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/staff/login"


def test_secure_cookie_when_configured(console_env, monkeypatch):
    from starlette.requests import Request
    from starlette.responses import Response

    monkeypatch.setenv("CONSOLE_COOKIE_SECURE", "true")
    get_console_settings.cache_clear()
    request = Request({"type": "http", "scheme": "http", "headers": [], "path": "/"})
    response = Response()
    set_session_cookie(response, request, SessionData(1, "n", "c", 0, 0), get_console_settings())
    assert "Secure" in response.headers["set-cookie"]


def test_login_without_its_csrf_token_is_refused(client):
    make_user("anna", "operatore")
    client.get("/staff/login")
    response = client.post("/staff/login", data={"username": "anna", "password": PASSWORD})
    assert response.status_code == 403
    assert client.get("/staff/richieste", follow_redirects=False).status_code == 303


def test_unknown_user_and_wrong_password_get_the_same_answer(client):
    make_user("anna", "operatore")
    assert login(client, "anna", "sbagliata-sbagliata") == 401
    assert login(client, "nessuno", "sbagliata-sbagliata") == 401


def test_a_user_is_locked_after_repeated_failures_even_with_the_right_password(client):
    make_user("anna", "operatore")
    for _ in range(3):  # LOGIN_MAX_FAILURES=3
        assert login(client, "anna", "sbagliata-sbagliata") == 401
    assert login(client, "anna") == 429
    # An unknown username is locked the same way: the answer reveals nothing.
    for _ in range(2):
        login(client, "fantasma", "x" * 12)
    assert login(client, "fantasma", "x" * 12) in (401, 429)


def test_an_ip_is_locked_after_failures_on_many_usernames(client):
    make_user("anna", "operatore")
    for index in range(6):  # LOGIN_MAX_FAILURES_IP=6, each username only once
        assert login(client, f"utente{index}", "sbagliata-sbagliata") == 401
    assert login(client, "anna") == 429


def test_sessions_expire_when_idle_and_after_the_absolute_limit(console_env):
    from itsdangerous import URLSafeSerializer
    from starlette.requests import Request

    settings = get_console_settings()

    def request_with(session: SessionData) -> Request:
        value = URLSafeSerializer(settings.secret_key, salt="console-session").dumps(
            {"u": 1, "n": "n", "c": "c", "s": session.started, "l": session.last_seen}
        )
        headers = [(b"cookie", f"console_session={value}".encode())]
        return Request({"type": "http", "headers": headers, "path": "/staff"})

    now = time.time()
    fresh = SessionData(1, "n", "c", now - 60, now - 60)
    idle = SessionData(1, "n", "c", now - 3 * 3600, now - 31 * 60)
    too_old = SessionData(1, "n", "c", now - 13 * 3600, now - 60)
    assert read_session(request_with(fresh), settings) is not None
    assert read_session(request_with(idle), settings) is None
    assert read_session(request_with(too_old), settings) is None


def test_a_tampered_cookie_is_ignored(client):
    client.cookies.set("console_session", "eyJ1IjoxfQ.forged", path="/staff")
    assert client.get("/staff/richieste", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("revisore", "/staff/richieste", 403),
        ("revisore", "/staff/conversazioni", 200),
        ("operatore", "/staff/utenti", 403),
        ("operatore", "/staff/audit", 403),
        ("admin", "/staff/audit", 200),
        ("admin", "/staff/utenti", 200),
    ],
)
def test_roles_decide_what_each_page_shows(client, role, path, status):
    make_user("utente", role)
    assert login(client, "utente") == 303
    assert client.get(path).status_code == status


def test_pages_carry_security_headers(client):
    make_user("anna", "operatore")
    login(client, "anna")
    headers = client.get("/staff/richieste").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"


def test_create_admin_command_prints_a_generated_password(console_env, capsys):
    from bot.web.console.__main__ import main

    assert main(["create-admin", "capo", "--generate"]) == 0
    out = capsys.readouterr().out
    password = out.split("Password: ", 1)[1].split()[0]
    from bot.web.console.users import authenticate

    _outcome, staff = authenticate("capo", password, "127.0.0.1", get_console_settings())
    assert staff is not None and staff.role == "admin"
