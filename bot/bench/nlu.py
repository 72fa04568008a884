"""`make bench-nlu`: our NLU pipeline against Rasa's default one, on the same data, in one run.

Both are trained on data/ (the same domain, rules and policies; only the NLU pipeline differs)
and evaluated on the held-out set tests/nlu/holdout.yml, which no model trains on. Printed:
intent accuracy and macro-F1 (a message the bot would not understand, `nlu_fallback`, counts
as a miss), path routing from the intent alone, training time and parse latency; then
end-to-end routing: the whole stack started with each model, the first message of a fresh
conversation sent over REST and the reply judged as the contract says, on the held-out set
and on the shared development set (../shared/eval/first_messages.tsv, when present).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
# No training cache: both pipelines are trained from scratch, so the training times compare.
os.environ["RASA_MAX_CACHE_SIZE"] = "0"

from rasa.utils.common import configure_logging_and_warnings

from bot.config import PROJECT_ROOT
from bot.dialogue.paths import CLARIFY_INTENTS, PATH_BY_INTENT

HOLDOUT = PROJECT_ROOT / "tests" / "nlu" / "holdout.yml"
TRAINING = PROJECT_ROOT / "data"
DOMAIN = PROJECT_ROOT / "domain.yml"
OUR_CONFIG = PROJECT_ROOT / "config.yml"
DEFAULT_CONFIG = Path(__file__).with_name("rasa_default_config.yml")
SHARED_FIRST_MESSAGES = PROJECT_ROOT.parent / "shared" / "eval" / "first_messages.tsv"


def route(intent: str) -> str | None:
    """Where the conversation goes after a message: a path, a clarifying question, or none."""
    if intent in PATH_BY_INTENT:
        return PATH_BY_INTENT[intent]
    if intent in CLARIFY_INTENTS:
        return "chiarimento"
    return None


@dataclass
class Result:
    name: str
    train_s: float
    accuracy: float
    macro_f1: float
    routing: float
    routed: int
    fallback_rate: float
    p50_ms: float
    p95_ms: float
    confusions: list[tuple[str, str, str]]


def _holdout() -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(HOLDOUT))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def _with_our_policies(config: Path, output: Path) -> Path:
    """The config with our dialogue policies: only the NLU pipeline differs between models."""
    import yaml

    ours = yaml.safe_load(OUR_CONFIG.read_text(encoding="utf-8"))
    theirs = yaml.safe_load(config.read_text(encoding="utf-8"))
    merged = {**theirs, "policies": ours["policies"], "assistant_id": ours["assistant_id"]}
    path = output / f"{config.stem}-full.yml"
    path.write_text(yaml.safe_dump(merged, allow_unicode=True), encoding="utf-8")
    return path


def _train(config: Path, output: Path, name: str) -> tuple[str, float]:
    from rasa.model_training import train

    started = time.perf_counter()
    result = train(
        str(DOMAIN),
        str(_with_our_policies(config, output)),
        [str(TRAINING)],
        str(output),
        fixed_model_name=name,
    )
    if result.code != 0 or not result.model:
        raise RuntimeError(f"training failed for {name}")
    return str(result.model), time.perf_counter() - started


async def _evaluate(
    name: str, model: str, train_s: float, examples: list[tuple[str, str]]
) -> Result:
    from rasa.core.agent import Agent
    from sklearn.metrics import f1_score

    agent = Agent.load(model)
    await agent.parse_message("ciao")  # warm-up, not measured
    predicted: list[str] = []
    latencies: list[float] = []
    for text, _ in examples:
        started = time.perf_counter()
        parsed = await agent.parse_message(text)
        latencies.append((time.perf_counter() - started) * 1000)
        predicted.append(str((parsed.get("intent") or {}).get("name")))
    expected = [intent for _, intent in examples]
    routed = [(route(e), route(p)) for e, p in zip(expected, predicted, strict=True) if route(e)]
    latencies.sort()
    return Result(
        name=name,
        train_s=train_s,
        accuracy=sum(e == p for e, p in zip(expected, predicted, strict=True)) / len(expected),
        macro_f1=float(
            f1_score(expected, predicted, labels=sorted(set(expected)), average="macro")
        ),
        routing=sum(e == p for e, p in routed) / len(routed),
        routed=len(routed),
        fallback_rate=predicted.count("nlu_fallback") / len(predicted),
        p50_ms=statistics.median(latencies),
        p95_ms=latencies[int(0.95 * (len(latencies) - 1))],
        confusions=[(t, e, p) for (t, e), p in zip(examples, predicted, strict=True) if e != p],
    )


def _print(results: list[Result], examples: int) -> None:
    print(
        f"\nHeld-out set: {examples} messages ({HOLDOUT.relative_to(PROJECT_ROOT)}), "
        f"never trained on. Training data: {TRAINING.relative_to(PROJECT_ROOT)}.\n"
    )
    header = f"{'':28}" + "".join(f"{r.name:>22}" for r in results)
    print(header)
    rows = [
        ("intent accuracy", lambda r: f"{r.accuracy:.1%}"),
        ("intent macro-F1", lambda r: f"{r.macro_f1:.3f}"),
        ("path routing accuracy", lambda r: f"{r.routing:.1%} (n={r.routed})"),
        ("not understood (fallback)", lambda r: f"{r.fallback_rate:.1%}"),
        ("parse latency p50", lambda r: f"{r.p50_ms:.1f} ms"),
        ("parse latency p95", lambda r: f"{r.p95_ms:.1f} ms"),
        ("training time", lambda r: f"{r.train_s:.0f} s"),
    ]
    for label, cell in rows:
        print(f"{label:28}" + "".join(f"{cell(r):>22}" for r in results))
    ours = results[0]
    if ours.confusions:
        print(f"\nMisread by {ours.name} (text | expected -> predicted):")
        for text, expected, predicted in ours.confusions:
            print(f"  {text[:70]!r:74} {expected} -> {predicted}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--config", action="append", type=Path, help="compare these configs instead (repeatable)"
    )
    parser.add_argument(
        "--no-e2e", action="store_true", help="skip the end-to-end routing through the stack"
    )
    args = parser.parse_args(argv)
    configs = [("our pipeline", OUR_CONFIG), ("rasa default", DEFAULT_CONFIG)]
    if args.config:
        configs = [(path.stem, path.resolve()) for path in args.config]
    logging.disable(logging.WARNING)
    configure_logging_and_warnings(logging.WARNING)
    examples = _holdout()
    with tempfile.TemporaryDirectory(prefix="bench-nlu-") as tmp:
        trained = []
        for name, config in configs:
            print(f"Training {name} ({config})...", flush=True)
            model, seconds = _train(config, Path(tmp), name.replace(" ", "-"))
            trained.append((name, model, seconds))
        results = [
            asyncio.run(_evaluate(name, model, seconds, examples))
            for name, model, seconds in trained
        ]
        _print(results, len(examples))
        if SHARED_INTENTS.exists():
            _shared_intents(trained)
        if not args.no_e2e:
            _end_to_end(trained)
    return 0


# The shared development set labels behaviours; the intents that show each one.
SHARED_INTENTS = PROJECT_ROOT.parent / "shared" / "eval" / "intents.tsv"
BEHAVIOUR_OF_INTENT = {
    "ask_module_download": "ask_form",
    "ask_attachments": "ask_documents",
    "ask_data_mismatch": "ask_rejection",
    "ask_confirmation_email": "ask_email_confirmation",
    "ask_status": "ask_status",
    "ask_is_bot": "bot_challenge",
    "goodbye": "goodbye_thanks",
    "thank": "goodbye_thanks",
    "greet": "greet",
    "ask_human": "human",
    "out_of_scope": "out_of_scope",
}


def _shared_intents(trained: list[tuple[str, str, float]]) -> None:
    """Intent accuracy and macro-F1 on the shared set's messages, by the behaviour they need."""
    import csv

    from rasa.core.agent import Agent
    from sklearn.metrics import f1_score

    with SHARED_INTENTS.open(encoding="utf-8") as handle:
        rows = [(t, label) for t, label, *_ in list(csv.reader(handle, delimiter="\t"))[1:]]
    expected = [label for _, label in rows]
    print(f"\nShared development set, intents ({len(rows)} messages, by behaviour):")
    print(f"{'':28}" + "".join(f"{name:>22}" for name, _, _ in trained))
    scores = []
    for _, model, _ in trained:
        agent = Agent.load(model)

        async def parse_all(agent: Agent = agent) -> list[str]:
            found = []
            for text, _ in rows:
                parsed = await agent.parse_message(text)
                intent = str((parsed.get("intent") or {}).get("name"))
                found.append(BEHAVIOUR_OF_INTENT.get(intent, "other"))
            return found

        predicted = asyncio.run(parse_all())
        accuracy = sum(e == p for e, p in zip(expected, predicted, strict=True)) / len(rows)
        f1 = f1_score(expected, predicted, labels=sorted(set(expected)), average="macro")
        scores.append((accuracy, float(f1)))
    print(f"{'intent accuracy':28}" + "".join(f"{a:>22.1%}" for a, _ in scores))
    print(f"{'intent macro-F1':28}" + "".join(f"{f:>22.3f}" for _, f in scores))


def _end_to_end(trained: list[tuple[str, str, float]]) -> None:
    from bot.bench import routing

    sets = [("held-out (tests/nlu)", routing.holdout_items(HOLDOUT))]
    if SHARED_FIRST_MESSAGES.exists():
        sets.append(("shared first messages", routing.tsv_items(SHARED_FIRST_MESSAGES)))
    table: dict[str, list[routing.RoutingResult]] = {label: [] for label, _ in sets}
    for name, model, _ in trained:
        print(f"\nStarting the stack with {name}'s model...", flush=True)
        with routing.Stack(Path(model)) as stack:
            for label, items in sets:
                table[label].append(routing.route_all(stack, items))
    print("\nEnd-to-end routing (first message of a fresh conversation, judged by the reply):")
    print(f"{'':28}" + "".join(f"{name:>22}" for name, _, _ in trained))
    for label, results in table.items():
        cells = "".join(f"{f'{r.accuracy:.1%} ({r.right}/{r.total})':>22}" for r in results)
        print(f"{label:28}" + cells)
    for label, results in table.items():
        misses = results[0].misses
        if misses:
            print(f"\nEnd-to-end misses of {trained[0][0]} on {label} (expected -> judged):")
            for text, expected, judged in misses[:40]:
                print(f"  {text[:70]!r:74} {expected} -> {judged}")


if __name__ == "__main__":
    sys.exit(main())
