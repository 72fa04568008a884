"""The console's per-IP lock-out on the real web server: X-Forwarded-For from a client that is not
a trusted proxy changes nothing (uvicorn would believe it from 127.0.0.1)."""

from __future__ import annotations

import httpx

from tests.e2e.servers import BotServers

LIMIT = 20  # LOGIN_MAX_FAILURES_IP's default


def _login(client: httpx.Client, username: str, forwarded_for: str) -> int:
    page = client.get("/staff/login")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/staff/login",
        data={"csrf_token": token, "username": username, "password": "sbagliata-sbagliata"},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return response.status_code


def test_forged_forwarded_addresses_do_not_dodge_the_ip_lock_out(servers: BotServers) -> None:
    with httpx.Client(base_url=servers.web_url, timeout=30) as client:
        answers = [_login(client, f"nessuno{n}", f"198.51.100.{n}") for n in range(LIMIT)]
        assert set(answers) == {401}
        # Same TCP peer, yet another forged address: the peer is locked.
        assert _login(client, "nessuno-altro", "198.51.100.250") == 429
