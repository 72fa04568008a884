"""User messages sent to training data: review files, and their merge into data/nlu/review.yml.

From a transcript, "add to training data as intent X" appends the message to
var/review/nlu-<date>.yml (Rasa NLU YAML). `python -m bot.web.console merge-training` merges every
review file into data/nlu/review.yml, runs `rasa data validate`, and moves the merged review files
to var/review/merged/ — or restores review.yml if validation fails.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.config import PROJECT_ROOT

NLU_VERSION = "3.1"
REVIEW_FILE = Path("data/nlu/review.yml")
# Intents the assistant sets itself (never typed by a user): not offered as training targets.
NOT_TRAINABLE = frozenset({"upload_received", "upload_rejected", "nlu_fallback"})


@lru_cache(maxsize=1)
def domain_intents(domain_file: Path = PROJECT_ROOT / "domain.yml") -> tuple[str, ...]:
    with domain_file.open(encoding="utf-8") as handle:
        domain = yaml.safe_load(handle) or {}
    names = [
        next(iter(item)) if isinstance(item, dict) else str(item)
        for item in domain.get("intents") or []
    ]
    return tuple(name for name in names if name not in NOT_TRAINABLE)


class _Literal(str):
    """A string dumped as a YAML block (`examples: |`), as Rasa's own files are written."""


def _literal(dumper: yaml.SafeDumper, value: _Literal) -> Any:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Literal, _literal)


def one_line(text: str) -> str:
    """A training example is one line; Rasa reads `[x](y)` as an entity, so brackets go."""
    cleaned = " ".join(text.split())
    return cleaned.replace("[", "(").replace("]", ")")


def read_examples(path: Path) -> dict[str, list[str]]:
    """intent -> examples of a Rasa NLU YAML file (only `intent` entries; others are kept apart)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    found: dict[str, list[str]] = {}
    for item in data.get("nlu") or []:
        if isinstance(item, dict) and "intent" in item:
            lines = str(item.get("examples") or "").splitlines()
            examples = [line.strip()[2:].strip() for line in lines if line.strip().startswith("- ")]
            found.setdefault(str(item["intent"]), []).extend(examples)
    return found


def render_examples(examples: dict[str, list[str]]) -> str:
    nlu = [
        {"intent": intent, "examples": _Literal("".join(f"- {text}\n" for text in texts))}
        for intent, texts in sorted(examples.items())
        if texts
    ]
    header = "# Messages staff sent to training data from the console (bot/web/console).\n"
    body = yaml.dump(
        {"version": NLU_VERSION, "nlu": nlu},
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=1000,
    )
    return header + body


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One writer at a time across processes (web workers, the merge command)."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _add(examples: dict[str, list[str]], intent: str, text: str) -> None:
    """Add, moving the text away from any other intent it was under."""
    for other, texts in examples.items():
        if other != intent and text in texts:
            texts.remove(text)
    target = examples.setdefault(intent, [])
    if text not in target:
        target.append(text)


def add_to_review_file(
    review_dir: Path, intent: str, text: str, *, today: date | None = None
) -> Path:
    day = (today or date.today()).isoformat()
    path = review_dir / f"nlu-{day}.yml"
    with _locked(review_dir):
        examples = read_examples(path)
        _add(examples, intent, one_line(text))
        _write_atomically(path, render_examples(examples))
    return path


@dataclass(frozen=True)
class MergeResult:
    merged_files: list[Path]
    examples: int
    valid: bool
    output: str


def rasa_validate(project_root: Path) -> tuple[bool, str]:
    rasa = Path(sys.executable).parent / "rasa"
    result = subprocess.run(
        [str(rasa), "data", "validate", "--quiet"],
        cwd=project_root,
        capture_output=True,
        text=True,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    return result.returncode == 0, (result.stdout + result.stderr)[-4000:]


def merge_training(
    review_dir: Path,
    project_root: Path = PROJECT_ROOT,
    *,
    validate: Callable[[Path], tuple[bool, str]] = rasa_validate,
) -> MergeResult:
    target = project_root / REVIEW_FILE
    with _locked(review_dir):
        files = sorted(review_dir.glob("nlu-*.yml"))
        if not files:
            return MergeResult([], 0, True, "")
        previous = target.read_text(encoding="utf-8") if target.exists() else None
        examples = read_examples(target)
        count = 0
        for path in files:
            for intent, texts in read_examples(path).items():
                for text in texts:
                    _add(examples, intent, text)
                    count += 1
        _write_atomically(target, render_examples(examples))
        valid, output = validate(project_root)
        if not valid:
            if previous is None:
                target.unlink()
            else:
                _write_atomically(target, previous)
            return MergeResult([], count, False, output)
        done = review_dir / "merged"
        done.mkdir(exist_ok=True)
        for path in files:
            shutil.move(str(path), done / f"{path.stem}-{int(time.time())}{path.suffix}")
        return MergeResult(files, count, True, output)
