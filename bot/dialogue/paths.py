"""The doctor's procedure (path A, B or C), decided from the whole message and the state so far.

Plain values in, a decision out; no Rasa. The credentials named in the message (with whether
the doctor has them, lacks them or is unsure: `bot.nlu.credentials`) decide first: the
strongest credential held wins (any of CNS, INPS, dispositive → A; only generic INAIL ones →
B; nothing → C). Only when nothing decides does the question come, or the intent.
A question never changes a path already known, and neither does an act still to do
("dove mi iscrivo come cittadino?"): only a statement about the doctor's own credentials.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.nlu.credentials import (
    ASKS,
    GENERIC,
    HAS,
    NOT,
    NOTHING,
    STRONG,
    UNDECIDED,
    UNSURE,
    Mention,
)

Path = str  # "A", "B" or "C"

EXPLAIN = "explain"  # a path is decided (new, changed, or the same again)
CLARIFY = "clarify"  # named credentials that do not decide: a short question
UNDECIDED_YET = "none"  # nothing about credentials in the message

PATH_BY_INTENT: dict[str, Path] = {
    "has_strong_credentials": "A",
    "has_generic_credentials": "B",
    "has_no_credentials": "C",
}
CLARIFY_INTENTS = frozenset(
    {
        "has_spid",
        "has_cie",
        "has_unspecified_pin",
        "has_unspecified_health_card",
        "registered_unsure",
    }
)
# The clarifying question for each undecided kind, most specific first.
_CLARIFY_BY_KIND: tuple[tuple[str, str], ...] = (
    ("tessera_non_attivata", "tessera_non_attivata"),
    ("tessera", "has_unspecified_health_card"),
    ("pin", "has_unspecified_pin"),
    ("spid", "has_spid"),
    ("cie", "has_cie"),
    ("altro", "other_credential"),
    ("registrato", "registered_unsure"),
    ("inail", "registered_unsure"),
    ("credenziali", "which_credentials"),
)
# An intent alone decides a path only when the classifier is this sure and nothing was named.
INTENT_ALONE_CONFIDENCE = 0.85


@dataclass(frozen=True)
class PathDecision:
    action: str  # EXPLAIN, CLARIFY or UNDECIDED_YET
    path: Path | None = None  # the path after this message
    credentials: tuple[str, ...] = ()  # what the doctor holds, strongest first
    clarify: str | None = None  # which clarifying question (content's `clarify` section)
    changed: bool = False  # a path was known and the doctor corrected it
    progressed: bool = False  # path C done: the doctor registered, now path B

    @property
    def same_again(self) -> bool:
        return self.action == EXPLAIN and not self.changed and not self.progressed


def _kinds(mentions: Iterable[Mention], polarities: tuple[str, ...]) -> list[str]:
    kinds: list[str] = []
    for mention in mentions:
        if mention.polarity in polarities and mention.kind not in kinds:
            kinds.append(mention.kind)
    return kinds


def decided_path(mentions: Iterable[Mention], path_known: bool) -> tuple[Path | None, list[str]]:
    """The path the mentions decide, with the credentials behind it; (None, []) if none."""
    mentions = list(mentions)
    # Named in a question ("la CNS va bene?") says the doctor has it only while nothing is known.
    held = _kinds(mentions, (HAS,) if path_known else (HAS, ASKS))
    doubted = _kinds(mentions, (UNSURE,))
    if "cns" in held and ("tessera" in doubted or "cns" in doubted):
        held.remove("cns")  # "ho la tessera e il lettore, ma non so se è abilitata"
    strong = [k for k in held if k in STRONG]
    if strong:
        return "A", strong
    generic = [k for k in held if k in GENERIC]
    if generic:
        return "B", generic
    if NOTHING in held:
        return "C", []
    lacking = _kinds(mentions, (NOT,))
    if not held and not doubted and ("credenziali" in lacking or len(lacking) >= 3):
        return "C", []  # "mai avuto credenziali"; "né SPID, né CNS, né PIN INPS"
    return None, []


def resolve_path(
    mentions: Iterable[Mention],
    intent: str,
    confidence: float,
    path: Path | None,
) -> PathDecision:
    """What the message says about the doctor's procedure, given the path so far."""
    mentions = list(mentions)
    new_path, held = decided_path(mentions, path_known=path is not None)
    if new_path is not None:
        if path is None or new_path == path:
            return PathDecision(EXPLAIN, new_path, tuple(held))
        progressed = path == "C" and new_path == "B"
        return PathDecision(
            EXPLAIN, new_path, tuple(held), changed=not progressed, progressed=progressed
        )
    if path is not None:
        return PathDecision(UNDECIDED_YET, path)  # a doubt or a question never undoes a path
    question = _clarification(mentions)
    if question:
        return PathDecision(CLARIFY, None, clarify=question)
    if not mentions and confidence >= INTENT_ALONE_CONFIDENCE and intent in PATH_BY_INTENT:
        return PathDecision(EXPLAIN, PATH_BY_INTENT[intent])
    if intent in CLARIFY_INTENTS and not mentions:
        return PathDecision(CLARIFY, None, clarify=intent)
    if _kinds(mentions, (NOT,)):
        return PathDecision(CLARIFY, None, clarify="which_credentials")
    return PathDecision(UNDECIDED_YET, None)


def _clarification(mentions: list[Mention]) -> str | None:
    unsure = _kinds(mentions, (UNSURE,))
    named = _kinds(mentions, (HAS, ASKS))
    if unsure:
        if any(k in unsure for k in ("generiche", "dispositive", "registrato", "inail")):
            return "registered_unsure"
        if "pin" in unsure + named:
            return "has_unspecified_pin"
        if "tessera" in unsure:
            return "has_unspecified_health_card"
        return "which_credentials"
    for kind, question in _CLARIFY_BY_KIND:
        if kind in named:
            return question
    undecided = [k for k in named if k in UNDECIDED]
    return "which_credentials" if undecided else None
