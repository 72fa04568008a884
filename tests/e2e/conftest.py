from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.servers import BotServers


@pytest.fixture(scope="package")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotServers]:
    bot = BotServers(var_dir=tmp_path_factory.mktemp("var"))
    bot.start()
    try:
        yield bot
    finally:
        bot.stop()
