"""The shared servers of `make run-cluster`, from Debian's packages: PostgreSQL, Redis, HAProxy.

- PostgreSQL: a private cluster in `<CLUSTER_DIR>/postgresql` (initdb on first start), on
  127.0.0.1 only, password authentication (a random password kept in
  `postgresql_password.key`, 0600). PostgreSQL refuses to run as root: when we are root it runs
  as the `postgres` user, which is then given the right to traverse (not list) the directories
  above its own.
- Redis: no persistence (locks and socket.io messages are short-lived), 127.0.0.1 only, a
  random password (`redis_password.key`) from a 0600 configuration file, never the command line.
- HAProxy: `haproxy.cfg` written from the layout (bot/cluster/haproxy.py).
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import signal
import stat
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

from bot.cluster.layout import DATABASE, DATABASE_USER, HOST, ClusterLayout
from bot.launcher import Service, run_as

INFRASTRUCTURE = 0  # stopped last
FRONT = 2  # the balancer: stopped first, so nothing new arrives while the rest stops
POSTGRES_READY_S = 60


class MissingProgram(RuntimeError):
    pass


def postgres_bin_dir() -> Path:
    found = shutil.which("initdb") or shutil.which("postgres")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if not candidates:
        raise MissingProgram("PostgreSQL (Debian package postgresql)")
    return Path(candidates[-1]).parent


def program(name: str, package: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if not found:
        raise MissingProgram(f"{name} (Debian package {package})")
    return found


def secret_file(path: Path) -> str:
    """A random secret kept in `path` (0600), made on first use."""
    if path.exists():
        value = path.read_text(encoding="ascii").strip()
        if value:
            return value
    value = secrets.token_hex(24)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(value)
    return value


# PostgreSQL


def postgres_user() -> str | None:
    """The user PostgreSQL runs as: `postgres` when we are root, else ourselves (None)."""
    return "postgres" if os.geteuid() == 0 else None


def _traversable_by(path: Path, uid: int, gids: set[int]) -> bool:
    info = path.stat()
    if info.st_uid == uid:
        return bool(info.st_mode & stat.S_IXUSR)
    if info.st_gid in gids:
        return bool(info.st_mode & stat.S_IXGRP)
    return bool(info.st_mode & stat.S_IXOTH)


def let_traverse(directory: Path, user: str) -> None:
    """Lets `user` reach `directory`: each private ancestor of ours gets its group set to the
    user's group with traverse-only rights (0710); nothing becomes listable or readable."""
    account = pwd.getpwnam(user)
    gids = {account.pw_gid, *os.getgrouplist(user, account.pw_gid)}
    for ancestor in reversed(directory.resolve().parents):
        if _traversable_by(ancestor, account.pw_uid, gids):
            continue
        info = ancestor.stat()
        if info.st_uid != os.geteuid():
            raise PermissionError(f"{user} cannot reach {directory}: {ancestor} is not ours")
        os.chown(ancestor, -1, account.pw_gid)
        ancestor.chmod((info.st_mode & 0o700) | 0o010)


def postgres_url(layout: ClusterLayout, password: str, database: str = DATABASE) -> str:
    return (
        f"postgresql+psycopg2://{DATABASE_USER}:{quote(password, safe='')}"
        f"@{HOST}:{layout.postgres_port}/{database}"
    )


def init_postgres(layout: ClusterLayout) -> str:
    """Creates the private cluster on first start; returns the password of its user."""
    user = postgres_user()
    password = secret_file(layout.postgres_password_file)
    if (layout.postgres_data / "PG_VERSION").exists():
        return password
    layout.postgres_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    password_file = layout.postgres_dir / "initial-password"
    password_file.write_text(password, encoding="ascii")
    password_file.chmod(0o600)
    if user:
        let_traverse(layout.postgres_dir, user)
        shutil.chown(layout.postgres_dir, user=user, group=pwd.getpwnam(user).pw_gid)
        shutil.chown(password_file, user=user)
    try:
        subprocess.run(
            [
                str(postgres_bin_dir() / "initdb"),
                "-D",
                str(layout.postgres_data),
                "-U",
                DATABASE_USER,
                "--auth=scram-sha-256",
                f"--pwfile={password_file}",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
            cwd=layout.postgres_dir,
            **run_as(user),
        )
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"initdb failed: {error.stderr.decode(errors='replace')}") from None
    finally:
        password_file.unlink(missing_ok=True)
    return password


def postgres_service(layout: ClusterLayout) -> Service:
    """PostgreSQL's server (the supervisor lets its user reach the data before each start)."""
    user = postgres_user()
    settings = {
        "listen_addresses": HOST,
        "unix_socket_directories": str(layout.postgres_dir),
        "max_connections": "400",  # every Rasa instance pools up to 50 (Rasa's default)
        "shared_buffers": "128MB",
    }
    options = [item for key, value in settings.items() for item in ("-c", f"{key}={value}")]
    return Service(
        "postgresql",
        [
            str(postgres_bin_dir() / "postgres"),
            "-D",
            str(layout.postgres_data),
            "-p",
            str(layout.postgres_port),
            *options,
        ],
        f"tcp://{HOST}:{layout.postgres_port}",
        user=user,
        stop_signal=signal.SIGINT,  # "fast" shutdown: does not wait for clients to leave
        stage=INFRASTRUCTURE,
    )


def ensure_database(layout: ClusterLayout, password: str) -> None:
    """Waits until PostgreSQL takes connections and creates the application's database."""
    import psycopg2

    deadline = time.monotonic() + POSTGRES_READY_S
    while True:
        try:
            connection = psycopg2.connect(
                host=HOST,
                port=layout.postgres_port,
                user=DATABASE_USER,
                password=password,
                dbname="postgres",
                connect_timeout=3,
            )
            break
        except psycopg2.OperationalError:
            if time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not accept connections") from None
            time.sleep(0.5)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        connection.close()


# Redis


def redis_service(layout: ClusterLayout) -> tuple[Service, str]:
    """The Redis server and the URL our processes reach it at (password included)."""
    password = secret_file(layout.directory / "redis_password.key")
    layout.redis_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    config = layout.redis_dir / "redis.conf"
    config.write_text(
        "\n".join(
            [
                f"bind {HOST}",
                f"port {layout.redis_port}",
                f"dir {layout.redis_dir}",
                'save ""',
                "appendonly no",
                "daemonize no",
                "protected-mode yes",
                f"requirepass {password}",
                "",
            ]
        ),
        encoding="ascii",
    )
    config.chmod(0o600)
    service = Service(
        "redis",
        [program("redis-server", "redis-server"), str(config)],
        f"tcp://{HOST}:{layout.redis_port}",
        stage=INFRASTRUCTURE,
    )
    return service, f"redis://:{password}@{HOST}:{layout.redis_port}/1"


# HAProxy


def haproxy_service(layout: ClusterLayout, config: str) -> Service:
    layout.haproxy_config.write_text(config, encoding="ascii")
    layout.haproxy_config.chmod(0o600)
    haproxy = program("haproxy", "haproxy")
    check = subprocess.run(
        [haproxy, "-c", "-q", "-f", str(layout.haproxy_config)], capture_output=True
    )
    if check.returncode != 0:
        raise RuntimeError(f"haproxy.cfg refused: {check.stderr.decode(errors='replace')}")
    return Service(
        "haproxy",
        [haproxy, "-db", "-f", str(layout.haproxy_config)],
        f"tcp://{HOST}:{layout.public_port}",
        stage=FRONT,
    )


def backend_states(layout: ClusterLayout) -> dict[tuple[str, str], str]:
    """(backend, server) -> UP / DOWN / MAINT…, from HAProxy's statistics (CSV)."""
    import csv
    import io
    import urllib.request

    with urllib.request.urlopen(f"{layout.stats_url};csv", timeout=3) as response:
        text = response.read().decode()
    rows = csv.DictReader(io.StringIO(text.lstrip("# ")))
    return {
        (row["pxname"], row["svname"]): row["status"].split(" ")[0]
        for row in rows
        if row["svname"] not in ("FRONTEND", "BACKEND")
    }
