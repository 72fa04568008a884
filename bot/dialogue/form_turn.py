"""One message during the filing form: the values it gives, or what else it is.

Plain values in, plain values out; no Rasa. The form's validation action
(actions/filing.py) calls `interpret` for every message while the form waits for a datum:

- a value-shaped answer is the value, whatever an intent classifier thought ("Sara" is a
  name, not a question about timing; "Mi chiamo Sara" is not a request for a person);
- several data in one message fill every slot they carry;
- thanks, "ok", "un attimo che cerco la carta", "e poi?" get a brief answer and the same
  question again, never an error and never a stored value;
- a real question is answered for the doctor's path, then the question comes again;
- anything else is taken as an attempt at the value, and its check says what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.dialogue import answers, paths, replies, values
from bot.dialogue.content import Content, Reply
from bot.dialogue.turns import QUESTION_INTENTS, Turn
from bot.nlu.credentials import Mention

NOT_GIVEN = "-"  # an optional field the doctor chose to leave empty
FILE_SLOTS = frozenset({"modulo", "documento"})
NAME_SLOTS = frozenset({"nome", "cognome"})
OPTIONAL_SLOTS = ("codice_ditta", "numero_caso")
QUESTION_CONFIDENCE = 0.6
_WAIT = re.compile(
    r"\b(?:un (?:attimo|momento|secondo|istante|minuto)|attimo|momento|aspett\w*|attend\w*|"
    r"sto cercando|cerco|vado a prendere|lo prendo|la prendo|wait|hold on)\b"
)
_NEXT = re.compile(r"^(?:e )?(?:poi|adesso|ora|dopo|quindi|allora|e poi|e adesso|e ora)\W*$")
_OK = re.compile(
    r"^(?:ok(?:ay|ei)?|va bene|bene|certo|perfetto|d accordo|si|capito|ricevuto|"
    r"ok va bene|ok perfetto)\W*$"
)


# What a message may ask of the form itself, instead of giving a value.
STOP = "stop"  # "lo finisco dopo": pause, keeping what was given
RESTART = "restart"  # "ricominciamo da capo"
STATUS = "status"  # "a che punto è la mia richiesta?"
_CONTROL_BY_INTENT = {"stop_form": STOP, "start_over": RESTART, "ask_status": STATUS}
# Above this a control intent wins over a message that could also be a name ("Ricci").
CONTROL_CONFIDENCE = 0.85


@dataclass
class FormTurn:
    """What one message gives the form: values to check, and anything to say first."""

    values: dict[str, Any] = field(default_factory=dict)
    replies: list[Reply] = field(default_factory=list)
    handled: bool = False  # answered without a value: the form asks the same question again
    control: str | None = None  # STOP, RESTART or STATUS


def interpret(content: Content, requested: str, turn: Turn, path: str | None) -> FormTurn:
    """What a message means while the form asks for `requested`."""
    text, intent, confidence = turn.text or "", turn.intent, turn.confidence
    mentions, is_button = tuple(turn.mentions), turn.is_button
    if requested == "path":
        return _path(intent, confidence, mentions)
    if not is_button and not answers.has_words(text):
        return FormTurn(replies=[replies.empty_message(content)], handled=True)
    found = values.data_in_text(text)
    own = _own_value(requested, text, intent, is_button, found)
    control = _CONTROL_BY_INTENT.get(intent)
    if control and (is_button or _control_wins(requested, text, confidence, own)):
        return FormTurn(control=control, handled=True)
    if isinstance(own, dict):
        found.update(own)  # the one question for both optional fields
    elif own is not None:
        found[requested] = own
    if requested in found or _gives_others(found):
        return FormTurn(values=found)
    aside = _aside(content, requested, text, intent, confidence, path)
    if aside is not None:
        return aside
    if requested in FILE_SLOTS:
        note = content.render(content.section("filing", "not_a_file"))
        return FormTurn(replies=[Reply(note)], handled=True)
    return FormTurn(values={requested: text})  # an attempt: its check says what is wrong


def _control_wins(requested: str, text: str, confidence: float, own: Any) -> bool:
    """ "Lo finisco dopo" stops the form; "Ricci" or an e-mail address read by NLU as a restart
    or a status question are the answer asked for."""
    if requested in NAME_SLOTS and own is not None:
        return confidence >= CONTROL_CONFIDENCE and len(text.split()) >= 2
    if own is not None:
        return False
    return confidence >= QUESTION_CONFIDENCE


def _path(intent: str, confidence: float, mentions: tuple[Mention, ...]) -> FormTurn:
    path, _ = paths.decided_path(mentions, path_known=False)
    if path is None and intent in paths.PATH_BY_INTENT:
        path = paths.PATH_BY_INTENT[intent]
    return FormTurn(values={"path": path}) if path else FormTurn()


def _gives_others(found: Mapping[str, Any]) -> bool:
    """Data of other slots that only a datum can be (an e-mail, a phone, a codice fiscale)."""
    return any(slot in found for slot in ("email", "telefono", "codice_fiscale", "nome"))


def _own_value(
    requested: str, text: str, intent: str, is_button: bool, found: Mapping[str, Any]
) -> Any:
    """The answer to the question asked, when the message is shaped like one."""
    stripped = text.strip()
    if requested in NAME_SLOTS:
        if requested in found:
            return found[requested]
        return stripped.rstrip(".!") if values.looks_like_name(stripped) else None
    if requested == "codice_fiscale":
        return found.get("codice_fiscale") or (stripped if _code_like(stripped) else None)
    if requested == "email":
        return found.get("email") or (stripped if "@" in stripped else None)
    if requested == "telefono":
        digits = "".join(values.numbers_in_text(stripped))
        return found.get("telefono") or (stripped if len(digits) >= 5 else None)
    if requested == "cap":
        cap = values.cap_in_text(stripped, labelled_only=False)
        return cap or (stripped if values.numbers_in_text(stripped) else None)
    if requested == "codice_ditta":
        return _optional(text, intent, is_button)
    if requested == "unita":
        if (is_button and intent == "affirm") or (answers.says_yes(text) and len(text) < 30):
            return "si"
        return stripped if not answers.is_question(stripped) and len(stripped) > 2 else None
    return None


def _code_like(text: str) -> bool:
    token = re.sub(r"\s+", "", text)
    return 10 <= len(token) <= 20 and any(c.isdigit() for c in token) and token.isalnum()


def _optional(text: str, intent: str, is_button: bool) -> Any:
    """The one question for codice ditta and numero caso: "no", or the numbers given."""
    if (is_button and intent == "deny") or (
        answers.says_no(text) and not values.numbers_in_text(text)
    ):
        return {slot: NOT_GIVEN for slot in OPTIONAL_SLOTS}
    found = values.data_in_text(text)
    labelled = {slot: found[slot] for slot in OPTIONAL_SLOTS if slot in found}
    if labelled:
        return {slot: labelled.get(slot, NOT_GIVEN) for slot in OPTIONAL_SLOTS}
    numbers = values.numbers_in_text(text)
    if numbers:  # unlabelled: the first is the codice ditta, a second one the numero caso
        return {
            "codice_ditta": numbers[0],
            "numero_caso": numbers[1] if len(numbers) > 1 else NOT_GIVEN,
        }
    return None


def _aside(
    content: Content,
    requested: str,
    text: str,
    intent: str,
    confidence: float,
    path: str | None,
) -> FormTurn | None:
    """Something that is not the value: a question, thanks, a pause, an "ok"."""
    folded = " ".join(answers.words(text))
    if (
        intent in QUESTION_INTENTS
        and confidence >= QUESTION_CONFIDENCE
        and (answers.is_question(text) or len(folded.split()) > 3)
    ):
        return FormTurn(replies=replies.answer(content, intent, path), handled=True)
    chat = content.section("filing", "chat")
    if _WAIT.search(folded):
        return FormTurn(replies=[Reply(content.render(chat["wait"]))], handled=True)
    if intent in ("thank", "goodbye") or "grazie" in folded.split()[:3] or folded == "thanks":
        return FormTurn(replies=[Reply(content.render(chat["thanks"]))], handled=True)
    if intent == "greet" and len(folded.split()) <= 3:
        return FormTurn(replies=[Reply(content.render(chat["greet"]))], handled=True)
    if _NEXT.match(folded) or _OK.match(folded) or intent in ("affirm", "deny"):
        return FormTurn(handled=True)  # the question again says what comes next
    if intent in QUESTION_INTENTS and answers.is_question(text):
        return FormTurn(replies=replies.answer(content, intent, path), handled=True)
    return None
