"""What the assistant says, decided from plain values (intent, path, credential).

No Rasa here: the actions in `actions/` read the tracker and call these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.dialogue.content import Button, Content, Reply

Path = str  # "A", "B" or "C"

# Credentials that fit each path: only these are named back to the doctor.
_CREDENTIALS_OF_PATH: dict[Path, frozenset[str]] = {
    "A": frozenset({"cns", "inps", "dispositive"}),
    "B": frozenset({"generiche", "medico_competente"}),
    "C": frozenset(),
}
# Intents never offered as a guess when a message was not understood.
_NOT_OFFERED = frozenset(
    {"nlu_fallback", "out_of_scope", "greet", "goodbye", "thank", "affirm", "deny", "start_over"}
)
MAX_FALLBACK_OPTIONS = 3
MIN_OPTION_CONFIDENCE = 0.05


def path_explanation(
    content: Content,
    path: Path,
    credential: str | Iterable[str] | None = None,
    changed: bool = False,
    progressed: bool = False,
) -> list[Reply]:
    """The whole procedure for a path, as a few short messages.

    `credential`: what the doctor named; the first one that fits the path is called back
    ("non ho lo spid, ho la cns" names both, and only the CNS fits path A).
    """
    section = content.section("paths", path)
    replies: list[Reply] = []
    if progressed and "progressed" in section:
        replies.append(Reply(content.render(section["progressed"])))
    elif changed:
        replies.append(Reply(content.render(section["changed"])))
    named = [credential] if isinstance(credential, str) else list(credential or [])
    credential = next((c for c in named if c in _CREDENTIALS_OF_PATH[path]), None)
    if credential:
        credential_text = content.section("credentials", credential)
        intro = content.render(section["intro"], credenziale=credential_text)
    else:
        intro = content.render(section["intro_generic"])
    replies.append(Reply(intro))
    replies.extend(Reply(content.render(step)) for step in section["steps"])
    replies.append(filing_offer(content))
    return replies


def filing_offer(content: Content) -> Reply:
    """The offer to prepare and file the request here, in the chat."""
    offer = content.section("filing")
    return Reply(content.render(offer["offer"]), content.buttons(offer["offer_buttons"]))


def answer(content: Content, intent: str, path: Path | None) -> list[Reply]:
    """The answer to a question, in the variant for the doctor's path when there is one."""
    variants = content.section("answers", intent)
    texts = variants.get(path) if path else None
    return [Reply(content.render(text)) for text in (texts or variants["default"])]


def clarification(content: Content, key: str) -> tuple[Reply, str | None]:
    """A short question when the named credential does not decide the path.

    Returns the reply and the yes/no question it asks, if any, so that a typed "sì"
    or "no" can be understood afterwards.
    """
    section = content.section("clarify", key)
    reply = Reply(content.render(section["text"]), content.buttons(section["buttons"]))
    return reply, section.get("question")


def continue_prompt(content: Content, path: Path | None) -> Reply:
    """Brings the doctor back to where they were after a question or small talk."""
    if path is None:
        section = content.section("continue", "unknown")
        return Reply(content.render(section["text"]), content.buttons(section["buttons"]))
    section = content.section("continue", "known")
    reminder = content.render(content.section("paths", path, "reminder"))
    return Reply(
        content.render(section["text"], reminder=reminder), content.buttons(section["buttons"])
    )


def fallback(
    content: Content, misunderstood_in_a_row: int, ranking: Sequence[tuple[str, float]]
) -> Reply:
    """Says the message was not understood; offers the likely options, then a person."""
    section = content.section("fallback")
    if misunderstood_in_a_row >= 2:
        return Reply(
            content.render(section["repeated"]), content.buttons(section["repeated_buttons"])
        )
    options = list(_likely_options(content, ranking))
    if not options:
        return Reply(content.render(section["first_no_options"]))
    return Reply(content.render(section["first"]), tuple(options))


def empty_message(content: Content) -> Reply:
    """A message with no words (empty, blank, or typed intent syntax)."""
    return Reply(content.render(content.section("fallback", "empty")))


def _likely_options(content: Content, ranking: Iterable[tuple[str, float]]) -> Iterable[Button]:
    titles = content.section("intent_titles")
    offered = 0
    for intent, confidence in ranking:
        if offered == MAX_FALLBACK_OPTIONS:
            return
        if intent in _NOT_OFFERED or intent not in titles or confidence < MIN_OPTION_CONFIDENCE:
            continue
        offered += 1
        yield Button(title=titles[intent], payload=f"/{intent}")
