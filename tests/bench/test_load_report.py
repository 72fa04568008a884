"""`make bench-load`'s options and report, from plain values."""

from __future__ import annotations

import socket

import pytest

from bot.bench import load


def _level(setup: str, users: int, latencies_ms: list[float], **extra: object) -> load.LevelStats:
    stats = load.LevelStats(setup, users, 10)
    stats.turns = [ms / 1000 for ms in latencies_ms]
    stats.elapsed = 10.0
    for key, value in extra.items():
        setattr(stats, key, value)
    return stats


def test_defaults_are_the_issues_levels(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SETUPS", "LEVELS", "SECONDS", "LONG_TURNS", "PORT_BASE"):
        monkeypatch.delenv(f"BENCH_LOAD_{name}", raising=False)
    opts = load.options([])
    assert opts.setups == ["single", "cluster", "bare"]
    assert opts.levels == [1, 20, 50] and opts.seconds == [60, 120, 300]
    assert opts.port_base is None and opts.long_turns == 300


def test_settings_come_from_the_environment_or_the_arguments(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BENCH_LOAD_SETUPS", "bare,single")
    monkeypatch.setenv("BENCH_LOAD_SECONDS", "30")
    monkeypatch.setenv("BENCH_LOAD_PORT_BASE", "6200")
    opts = load.options(["--levels", "2,4"])
    assert opts.setups == ["bare", "single"] and opts.levels == [2, 4]
    assert opts.seconds == [30, 30] and opts.port_base == 6200


@pytest.mark.parametrize(
    "argv",
    [["--setups", "single,moon"], ["--levels", "1,2", "--seconds", "1,2,3"], ["--levels", "0"]],
)
def test_bad_settings_are_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        load.options(argv)


def test_the_figures_of_a_level() -> None:
    stats = _level("single", 1, [float(ms) for ms in range(1, 101)], cpu_s=5.0)
    stats.uploads = [1.0, 2.0, 3.0]
    stats.errors.update({"timeout": 2, "HTTP 503 (turn)": 1})
    assert stats.turns_per_s == 10.0
    assert stats.turn_ms(0.5) == pytest.approx(51) and stats.turn_ms(0.95) == pytest.approx(95)
    assert stats.upload_p95_ms == pytest.approx(3000)
    assert stats.cpu_per_turn == pytest.approx(0.05) and stats.error_count == 3


def test_the_report_gives_ratios_and_targets(capsys: pytest.CaptureFixture[str]) -> None:
    results = [
        _level("bare", 1, [40.0] * 10, peak_rss=2**30),
        _level("single", 1, [50.0] * 10, peak_rss=2**31),  # p95 1.25× bare
        _level("bare", 20, [100.0] * 10),
        _level("single", 20, [200.0] * 10),  # 2×
        _level("single", 50, [100.0] * 10),
        _level("cluster", 50, [100.0] * 20),  # twice the turns in the same time
    ]
    results[4].errors["timeout"] = 1
    results[5].machine_busy, results[5].machine_stolen = 0.97, 0.12
    load.report(results, {"single": (70.0, 80.0, 0)})
    out = capsys.readouterr().out
    assert "single     1 users: p50  1.25×  p95  1.25×" in out
    assert "RSS  2.00×" in out
    assert "single turn p95 ≤ 1.3× bare at 1 user(s): 1.25× met" in out
    assert "single turn p95 ≤ 1.5× bare at 20 user(s): 2.00× NOT met" in out
    assert "single 50 doctors, 0 errors: 1 NOT met" in out
    assert "cluster 50 doctors, 0 errors: 0 met" in out
    assert "cluster turns/s ≥ 1.6× single at 50: 2.00× met" in out
    assert "  single 50 users: timeout: 1" in out  # errors by kind
    assert "  cluster   50 users: busy  97 %, stolen  12 %" in out
    assert "first 20 turns     70 ms, last 20 turns     80 ms" in out


@pytest.mark.parametrize(("cores", "shown"), [(2, True), (8, False)])
def test_on_two_cores_the_cluster_is_held_to_not_falling_below_single(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, cores: int, shown: bool
) -> None:
    monkeypatch.setattr(load, "usable_cores", lambda: cores)
    results = [_level("single", 50, [100.0] * 20), _level("cluster", 50, [100.0] * 19)]
    load.report(results, {})
    out = capsys.readouterr().out
    assert "cluster turns/s ≥ 1.6× single at 50: 0.95× NOT met" in out
    assert ("on 2 cores, cluster ≥ single turns/s at 50: 0.95× NOT met" in out) is shown


def test_rest_only_is_off_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BENCH_LOAD_REST_ONLY", raising=False)
    assert load.options([]).rest_only is False
    assert load.options(["--rest-only"]).rest_only is True
    monkeypatch.setenv("BENCH_LOAD_REST_ONLY", "1")
    assert load.options([]).rest_only is True


def test_the_cluster_gets_a_block_of_free_ports_below_the_ephemeral_ones() -> None:
    ports = load.Ports(None).take_block(load.CLUSTER_PORTS)
    assert ports == list(range(ports[0], ports[0] + load.CLUSTER_PORTS))
    assert ports[0] >= 20_000 and ports[-1] < 32_000
    for port in ports:  # free: each can be bound now
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port))
    assert load.Ports(7000).take_block(3) == [7000, 7001, 7002]  # `--port-base` as given


def test_the_report_shows_how_near_each_setup_is_to_the_machines_cpu(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load, "usable_cores", lambda: 2)
    single = _level("single", 50, [100.0] * 200, cpu_s=19.6)  # 20 turns/s, 0.098 s each
    cluster = _level("cluster", 50, [100.0] * 170, cpu_s=18.7, machine_stolen=0.05)  # 0.11 s
    assert load.cpu_ceiling(single) == pytest.approx(2 / 0.098)
    assert load.cpu_ceiling(cluster) == pytest.approx(2 * 0.95 / 0.11)
    assert load.cpu_ceiling(_level("bare", 1, [])) == 0.0  # no turns: no figure
    load.report([single, cluster], {})
    out = capsys.readouterr().out
    assert (
        " 50 users: turns/s  0.85×  CPU/turn  1.12×"
        "  single 20.0 of 20.4 (98 %), cluster 17.0 of 17.3 (98 %)"
    ) in out
