"""Rasa's lock store chosen by the environment: Redis when `REDIS_URL` is set, else in memory.

One Rasa instance needs no shared locks; several behind a load balancer must share them, or two
messages of one conversation could be handled at once by two instances.
"""

from __future__ import annotations

from typing import Any

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from redis.connection import parse_url

from bot.config import get_settings


class EnvLockStore:
    """Factory used as `lock_store.type` in endpoints.yml; returns Rasa's own lock stores."""

    def __new__(cls, endpoint_config: Any = None) -> LockStore:  # type: ignore[misc]
        url = get_settings().redis_url
        if not url:
            return InMemoryLockStore()
        options = parse_url(url)
        return RedisLockStore(
            host=options.get("host", "localhost"),
            port=int(options.get("port", 6379)),
            db=int(options.get("db", 1)),
            username=options.get("username"),
            password=options.get("password"),
            use_ssl=url.startswith("rediss://"),
            key_prefix="inail",
        )
