"""`python -m bot.db upgrade`: migrate the configured database (DATABASE_URL) to head."""

from __future__ import annotations

import sys

from bot.db.migrate import upgrade_to_head


def main(argv: list[str]) -> int:
    if argv[1:] != ["upgrade"]:
        print("uso: python -m bot.db upgrade", file=sys.stderr)
        return 2
    upgrade_to_head()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
