"""The cluster's layout and balancer configuration, as values (no server started)."""

from __future__ import annotations

import os
import stat
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from bot.cluster.haproxy import haproxy_config
from bot.cluster.infra import let_traverse, program
from bot.cluster.layout import ClusterLayout
from bot.config import load_settings


def _layout(tmp_path: Path, port: int = 7000, instances: int = 2) -> ClusterLayout:
    return ClusterLayout(port, instances, tmp_path / "cluster")


def test_every_port_follows_the_public_one(tmp_path: Path) -> None:
    layout = _layout(tmp_path, 7000)
    ports = [
        layout.public_port,
        layout.rasa_api_port,
        layout.actions_port,
        layout.stats_port,
        layout.postgres_port,
        layout.redis_port,
        *[f(n) for n in layout.numbers for f in (layout.rasa_port, layout.action_port,
                                                  layout.web_port, layout.telegram_port)],
    ]  # fmt: skip
    assert len(set(ports)) == len(ports)
    assert min(ports) == 7000 and max(ports) <= 7050
    assert layout.action_endpoint_url == "http://127.0.0.1:7002/webhook"


def test_the_settings_bound_the_layout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.cluster_dir == tmp_path / "cluster"
    assert (settings.cluster_port, settings.cluster_instances) == (7000, 2)
    with pytest.raises(ValueError, match="CLUSTER_INSTANCES"):
        ClusterLayout.from_settings(replace(settings, cluster_instances=0))
    with pytest.raises(ValueError, match="CLUSTER_PORT"):
        ClusterLayout.from_settings(replace(settings, cluster_port=80))


def test_the_balancer_sticks_socketio_and_checks_every_server(tmp_path: Path) -> None:
    config = haproxy_config(_layout(tmp_path))
    socketio = config.split("\nbackend rasa_socketio\n")[1].split("\nbackend ")[0]
    assert "cookie INAIL_RASA insert indirect nocache httponly" in socketio
    assert "server rasa-1 127.0.0.1:7011 check cookie rasa-1" in socketio
    assert "server rasa-2 127.0.0.1:7012 check cookie rasa-2" in socketio
    servers = [line for line in config.splitlines() if line.strip().startswith("server ")]
    assert len(servers) == 2 * 4 and all(" check" in line for line in servers)
    assert "option httpchk GET /healthz" in config and "option httpchk GET /health\n" in config
    assert "use_backend rasa_socketio if { path_beg /socket.io/ }" in config
    assert "use_backend rasa if { path_beg /webhooks/ }" in config
    assert "default_backend web" in config
    assert "telegram" not in config


def test_telegram_webhooks_go_to_the_bridges(tmp_path: Path) -> None:
    config = haproxy_config(_layout(tmp_path), telegram_path="/telegram/hook")
    assert "use_backend telegram if { path /telegram/hook }" in config
    assert "server telegram-2 127.0.0.1:7042 check" in config


def test_haproxy_accepts_the_configuration(tmp_path: Path) -> None:
    layout = _layout(tmp_path, 7000, 3)
    layout.directory.mkdir(parents=True)
    path = tmp_path / "haproxy.cfg"
    path.write_text(haproxy_config(layout, telegram_path="/tg"))
    check = subprocess.run(
        [program("haproxy", "haproxy"), "-c", "-f", str(path)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="giving another user access needs root")
def test_postgres_may_traverse_but_not_list_our_private_directories(tmp_path: Path) -> None:
    private = tmp_path / "var" / "cluster"
    private.mkdir(parents=True, mode=0o700)
    (tmp_path / "var").chmod(0o700)
    let_traverse(private / "postgresql", "postgres")
    for directory in (tmp_path / "var", private):
        mode = stat.S_IMODE(directory.stat().st_mode)
        assert mode == 0o710, oct(mode)  # the group may pass, nobody else may even look
