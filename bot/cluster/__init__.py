"""`make run-cluster`: several instances of every process behind HAProxy, on PostgreSQL and Redis.

`layout` (ports and directories), `haproxy` (the balancer's configuration), `infra` (PostgreSQL,
Redis, HAProxy from Debian's packages), `run` (the orchestration, over bot/launcher.py).
"""
