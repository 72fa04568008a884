"""Small readings of what a doctor typed: a yes, a no, a question, a step of path C done.

Pure functions on text; no Rasa. A message that carries no words is never a yes.
"""

from __future__ import annotations

import re

from bot.nlu.normalise import ABBREVIATIONS, strip_accents

_WORD = re.compile(r"[a-z0-9]+")
# Words that say yes. A classifier may call an emoji or an empty message "affirm": only one
# of these words makes a yes.
_YES = frozenset(
    {
        "si",
        "ok",
        "okay",
        "certo",
        "certamente",
        "esatto",
        "esattamente",
        "giusto",
        "corretto",
        "confermo",
        "confermi",
        "confermare",
        "conferma",
        "procedi",
        "proceda",
        "procediamo",
        "procedere",
        "invia",
        "invii",
        "inviala",
        "inviate",
        "inviatela",
        "inviare",
        "inoltra",
        "inoltri",
        "inoltrala",
        "inoltrate",
        "manda",
        "mandi",
        "mandala",
        "mandate",
        "spedisci",
        "spedisca",
        "vai",
        "vada",
        "perfetto",
        "assolutamente",
        "sicuro",
        "sicuramente",
        "volentieri",
        "daccordo",
        "accordo",
        "bene",
        "benissimo",
        "yes",
        "yep",
        "sure",
        "affirmative",
        "confirm",
        "send",
        "yeah",
    }
)
_NO = frozenset(
    {
        "no",
        "non",
        "nessuno",
        "nessuna",
        "niente",
        "nulla",
        "affatto",
        "macche",
        "annulla",
        "aspetta",
        "aspetti",
        "fermo",
        "ferma",
        "stop",
        "nope",
        "not",
        "dont",
        "don",
        "cancel",
        "wait",
        "neanche",
        "nemmeno",
    }
)
_QUESTION_WORDS = frozenset(
    {
        "come",
        "dove",
        "quando",
        "quanto",
        "quanti",
        "quale",
        "quali",
        "perche",
        "cosa",
        "chi",
        "quindi",
        "allora",
        "devo",
        "serve",
        "servono",
        "bisogna",
        "posso",
    }
)
# Path C: the doctor says the registration (or its e-mail confirmation) is done.
_DONE = re.compile(
    r"\b(?:fatto|fatta|ho fatto|registrat[oa]|iscritt[oa]|ho confermato|confermat[oa]|"
    r"ho cliccato|cliccato|ho attivato|attivat[oa]|(?:mi )?e arrivata|ricevuto la (?:e)?mail|"
    r"completat[oa]|done|registered)\b"
)
_PROBLEM = re.compile(
    r"\b(?:non|nun|mai|ancora|scadut\w*|problem\w*|errore|niente|nulla|not|never|doesn|didn|"
    r"invalid\w*|sbagliat\w*)\b"
)


def words(text: str | None) -> list[str]:
    """The words of a message, lower case, without accents, abbreviations expanded."""
    folded = strip_accents((text or "").casefold()).replace("'", " ").replace("’", " ")
    return [ABBREVIATIONS.get(w, w) for w in _WORD.findall(folded)]


def has_words(text: str | None) -> bool:
    """Whether the message says anything at all (an emoji, spaces or nothing do not)."""
    return bool(words(text))


def says_yes(text: str | None) -> bool:
    """An explicit yes ("sì, confermo", "ok procedi", "va bene, mandala"), with no no in it."""
    found = words(text)
    if not found or any(w in _NO for w in found):
        return False
    return any(w in _YES for w in found) or " ".join(found).startswith("va bene")


def says_no(text: str | None) -> bool:
    """An explicit no ("no", "no grazie", "non ce l'ho", "nient'altro")."""
    found = words(text)
    return bool(found) and any(w in _NO for w in found)


def is_question(text: str | None) -> bool:
    """A question: a question mark, or a question word at the start."""
    if "?" in (text or ""):
        return True
    found = words(text)
    return bool(found) and found[0] in _QUESTION_WORDS


def registration_done(text: str | None) -> bool:
    """Path C: "fatto, mi sono registrato e ho confermato la mail" (and no problem in it)."""
    joined = " ".join(words(text))
    return bool(_DONE.search(joined)) and not _PROBLEM.search(joined)


_CHANNEL_A = re.compile(r"\binail ?risponde\b")
_CHANNEL_B = re.compile(r"\brichied\w* (?:le )?credenzial\w* dispositiv\w*")
_CHANNEL_C = re.compile(
    r"\b(?:registrar\w*|registrazione|iscriver\w*|iscrizione|registro|iscrivo|"
    r"utente generico|cittadino)\b"
)


def channels_named(text: str | None) -> list[str]:
    """Which paths' channels a message names: A InailRisponde, B the online service, C the
    registration as utente generico."""
    joined = " ".join(words(text))
    named = []
    if _CHANNEL_A.search(joined):
        named.append("A")
    if _CHANNEL_B.search(joined):
        named.append("B")
    if _CHANNEL_C.search(joined):
        named.append("C")
    return named


_EMAIL_WORDS = re.compile(r"\b(?:email|mail|link|conferma|attivazione|attivare)\b")
_NOT_ARRIVED = re.compile(
    r"\b(?:non (?:mi )?(?:e |sono )?(?:arriv\w*|ricev\w*|trovo|vedo|ho ricevuto)|mai arrivat\w*|"
    r"scadut\w*|aspetto|sto aspettando|non funziona|non si apre|still waiting|never (?:got|came)|"
    r"expired)\b"
)


def confirmation_email_missing(text: str | None) -> bool:
    """ "…ma la mail di conferma non arriva": the registration waits for its confirmation."""
    joined = " ".join(words(text))
    return bool(_EMAIL_WORDS.search(joined) and _NOT_ARRIVED.search(joined))
