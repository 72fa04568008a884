"""HAProxy's configuration for `make run-cluster`, written from the layout at every start.

- Public frontend: `/webhooks/` (REST) and `/socket.io/` to the Rasa instances, Telegram's
  webhook path (when configured) to the bridges, everything else to the web processes.
- socket.io is sticky: the first answer sets the cookie `INAIL_RASA` naming the instance, and
  every later request of that tab (long polling, then the WebSocket upgrade) goes to it while it
  is up. REST needs no stickiness: Rasa's Redis lock store serialises a conversation's messages
  whichever instance takes them.
- Every backend server is health-checked every 2 s with 5 s to answer (Rasa `GET /`, action
  server `GET /health`, web `GET /healthz`, Telegram bridges by TCP): under load a check answered
  late is not a server down (both Rasa instances flapped together at 1 s). Three failures take it
  out, two successes bring it back. A request whose connection is refused goes to another
  instance (`retries`, `redispatch`); one already sent to an instance that dies is answered
  502/503, never replayed (a POST must not run twice).
- Internal frontends (our processes only): Rasa's HTTP API, and the action servers for Rasa.
"""

from __future__ import annotations

from bot.cluster.layout import HOST, ClusterLayout


def _servers(name: str, ports: list[int], check: str = "check", cookie: bool = False) -> list[str]:
    lines = []
    for number, port in enumerate(ports, start=1):
        sticky = f" cookie {name}-{number}" if cookie else ""
        lines.append(f"    server {name}-{number} {HOST}:{port} {check}{sticky}")
    return lines


def haproxy_config(layout: ClusterLayout, telegram_path: str | None = None) -> str:
    rasa = [layout.rasa_port(n) for n in layout.numbers]
    actions = [layout.action_port(n) for n in layout.numbers]
    web = [layout.web_port(n) for n in layout.numbers]
    telegram = [layout.telegram_port(n) for n in layout.numbers]
    lines = [
        "# Written by `make run-cluster` (bot/cluster/haproxy.py) at every start: edits are lost.",
        "global",
        "    maxconn 4096",
        f"    stats socket {layout.directory / 'haproxy.sock'} mode 600 level admin",
        "",
        "defaults",
        "    mode http",
        "    option httplog",
        "    timeout connect 2s",
        "    timeout client 130s",
        "    timeout server 130s",
        "    timeout http-request 30s",
        "    timeout tunnel 1h",  # a WebSocket stays open
        "    retries 2",
        "    option redispatch 1",
        "    default-server inter 2s fall 3 rise 2",
        "    timeout check 5s",  # a busy server answers its check late, it is not down
        "",
        "frontend public",
        f"    bind {HOST}:{layout.public_port}",
        "    option forwardfor",
        "    http-request set-header X-Forwarded-Proto http",
    ]
    if telegram_path:
        lines.append(f"    use_backend telegram if {{ path {telegram_path} }}")
    lines += [
        "    use_backend rasa_socketio if { path_beg /socket.io/ }",
        "    use_backend rasa if { path_beg /webhooks/ }",
        "    default_backend web",
        "",
        "frontend rasa_api",
        f"    bind {HOST}:{layout.rasa_api_port}",
        "    default_backend rasa",
        "",
        "frontend actions",
        f"    bind {HOST}:{layout.actions_port}",
        "    default_backend actions",
        "",
        "backend rasa",
        "    balance leastconn",
        "    option httpchk GET /",
        *_servers("rasa", rasa),
        "",
        "backend rasa_socketio",
        "    balance leastconn",
        "    cookie INAIL_RASA insert indirect nocache httponly",
        "    option httpchk GET /",
        *_servers("rasa", rasa, cookie=True),
        "",
        "backend actions",
        "    balance leastconn",
        "    option httpchk GET /health",
        *_servers("actions", actions),
        "",
        "backend web",
        "    balance leastconn",
        "    option httpchk GET /healthz",
        *_servers("web", web),
        "",
    ]
    if telegram_path:
        lines += ["backend telegram", "    balance roundrobin", *_servers("telegram", telegram), ""]
    lines += [
        "listen stats",
        f"    bind {HOST}:{layout.stats_port}",
        "    stats enable",
        "    stats uri /",
        "    stats refresh 5s",
        "",
    ]
    return "\n".join(lines)
