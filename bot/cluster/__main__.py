"""`python -m bot.cluster`: what `make run-cluster` starts (see bot/cluster/run.py)."""

from __future__ import annotations

import sys

from bot.cluster.run import main

if __name__ == "__main__":
    sys.exit(main())
