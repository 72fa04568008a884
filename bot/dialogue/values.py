"""The data a doctor writes in a message: e-mail, phone, codice fiscale, CAP, name and surname.

Pure functions on text; no Rasa. One message may carry several ("mi chiamo Anna Neri,
cf …, mail …, cell …"): `data_in_text` finds them all, and the filing form takes each one.
The checks of each value (format, check character, …) are in bot.tickets.personal_data.
"""

from __future__ import annotations

import re

from bot.intake.identity import codice_fiscale_in_text
from bot.nlu.normalise import strip_accents
from bot.tickets import personal_data as pd

EMAIL_IN_TEXT = re.compile(r"[^\s<>()\[\],;:\"'«»]+@[^\s<>()\[\],;:\"'«»]+\.[A-Za-z]{2,}")
# A phone number: +39/0039 optional, then 6 to 11 digits in groups.
PHONE_IN_TEXT = re.compile(r"(?<![\w@.])(?:\+|00)?\d(?:[\s./-]?\d){5,12}(?![\w@])")
CAP_IN_TEXT = re.compile(r"(?<![\d\w])\d{5}(?![\d\w])")
DIGITS_IN_TEXT = re.compile(r"\d+")
_CAP_LABEL = re.compile(r"\b(?:c\.?\s?a\.?\s?p\.?|cap|codice postale|postal code)\b", re.I)
_DITTA_LABEL = re.compile(r"\b(?:codice\s+ditta|ditta|cod\.?\s*ditta)\b\D{0,10}(\d+)", re.I)
_CASO_LABEL = re.compile(r"\b(?:numero\s+(?:del\s+)?caso|n\.?\s*caso|caso)\b\D{0,10}(\d+)", re.I)
# "mi chiamo Anna Neri", "sono la dott.ssa Anna Neri", "nome e cognome: Anna Neri".
_NAME_INTRO = re.compile(
    r"(?:\bmi\s+chiamo|\bil\s+mio\s+nome\s+(?:e|è)|\bnome\s+e\s+cognome\s*(?:sono|:)?|"
    r"\bmy\s+name\s+is|\bi\s+am|\bsono(?:\s+(?:il|la|lo))?(?:\s+(?:dott\.?(?:ssa)?|dottor\w*|"
    r"dr\.?(?:ssa)?|prof\.?(?:ssa)?))?)\s+"
    r"(?P<name>[^\W\d_][^\W\d_'’\-]*(?:[ '’\-]+[^\W\d_][^\W\d_'’\-]*){0,4})",
    re.I,
)
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:['’\-][^\W\d_]+)*$")
# Words that are never part of a name: what people type around one, or instead of one.
_NOT_NAME_WORDS = frozenset(
    [
        "a",
        "ad",
        "al",
        "alla",
        "allo",
        "ai",
        "agli",
        "alle",
        "anche",
        "ancora",
        "aspetta",
        "aspetti",
        "attimo",
        "attendi",
        "attenda",
        "bene",
        "buon",
        "buona",
        "buongiorno",
        "buonasera",
        "ciao",
        "che",
        "chi",
        "ci",
        "cio",
        "come",
        "con",
        "cosa",
        "cui",
        "da",
        "dal",
        "dalla",
        "dei",
        "del",
        "della",
        "dello",
        "dopo",
        "dove",
        "dunque",
        "e",
        "ecco",
        "ed",
        "eh",
        "era",
        "fa",
        "fatto",
        "fine",
        "gia",
        "giusto",
        "grazie",
        "ha",
        "hai",
        "ho",
        "il",
        "in",
        "io",
        "istante",
        "la",
        "le",
        "li",
        "lo",
        "ma",
        "mail",
        "me",
        "mi",
        "mia",
        "mio",
        "momento",
        "ne",
        "nel",
        "nella",
        "no",
        "non",
        "nome",
        "cognome",
        "o",
        "ok",
        "okay",
        "per",
        "pero",
        "perche",
        "piu",
        "poi",
        "prego",
        "prima",
        "proprio",
        "qua",
        "quale",
        "quando",
        "quanto",
        "quella",
        "quello",
        "questa",
        "questo",
        "qui",
        "se",
        "secondo",
        "si",
        "sia",
        "sono",
        "sto",
        "su",
        "sua",
        "subito",
        "suo",
        "te",
        "ti",
        "tra",
        "tu",
        "tutto",
        "un",
        "una",
        "uno",
        "va",
        "vi",
        "voi",
        "vorrei",
        "scusi",
        "scusa",
        "salve",
        "codice",
        "fiscale",
        "email",
        "telefono",
        "cellulare",
        "numero",
        "cerco",
        "carta",
        "documento",
        "identita",
        "cosa",
        "serve",
        "adesso",
        "allora",
        "ora",
        "devo",
        "posso",
        "faccio",
        "subito",
        "dopo",
        "perfetto",
        "certo",
        "esatto",
        "capito",
        "the",
        "and",
        "my",
        "is",
        "hello",
        "hi",
        "thanks",
        "thank",
        "you",
        "yes",
        "please",
        "wait",
        "sorry",
        "ehm",
        "uhm",
        "boh",
        "dott",
        "dottssa",
        "dottore",
        "dottoressa",
        "dr",
        "prof",
        "medico",
        "cf",
        "tel",
        "cell",
        "mobile",
        "pec",
        "cod",
        "nato",
        "nata",
    ]
)
# Words that ask something of the form rather than give a name.
_NOT_NAME_WORDS |= frozenset(
    [
        "ricominciamo",
        "ricomincia",
        "ricominciare",
        "basta",
        "stop",
        "annulla",
        "esci",
        "fine",
        "finisco",
        "dopo",
        "domani",
        "stato",
        "pratica",
        "richiesta",
        "domanda",
        "modulo",
    ]
)
# Particles of Italian surnames and compound names ("De Santis", "D'Amico", "Lo Russo").
_PARTICLES = frozenset({"de", "di", "da", "del", "della", "dello", "la", "lo", "li", "d", "van"})


def _fold(word: str) -> str:
    return strip_accents(word.casefold()).strip("'’-.")


def email_in_text(text: str | None) -> str | None:
    match = EMAIL_IN_TEXT.search(text or "")
    return match.group(0).rstrip(".") if match else None


def phone_in_text(text: str | None) -> str | None:
    """A phone number that checks out as Italian (mobile 3…, landline 0…), if any."""
    without_email = EMAIL_IN_TEXT.sub(" ", text or "")
    without_cf = re.sub(r"\b[A-Za-z]{6}[\dA-Za-z]{10}\b", " ", without_email)
    for match in PHONE_IN_TEXT.finditer(without_cf):
        if pd.check_telefono(match.group(0)).ok:
            return match.group(0).strip()
    return None


def cap_in_text(text: str | None, *, labelled_only: bool) -> str | None:
    """Five digits standing alone; with `labelled_only`, only after "CAP"."""
    text = text or ""
    if labelled_only:
        label = _CAP_LABEL.search(text)
        if not label:
            return None
        text = text[label.end() :]
    without_phone = PHONE_IN_TEXT.sub(
        lambda m: m.group(0) if len(_digits(m.group(0))) == 5 else " ", text
    )
    match = CAP_IN_TEXT.search(without_phone)
    return match.group(0) if match else None


def _digits(text: str) -> str:
    return "".join(DIGITS_IN_TEXT.findall(text))


def looks_like_name(text: str | None) -> bool:
    """One to five words of letters that could be a name or surname ("Sara", "De Santis")."""
    words = (text or "").strip().rstrip(".!").split()
    if not 1 <= len(words) <= 5:
        return False
    if not all(_NAME_WORD.match(w) for w in words):
        return False
    folded = [_fold(w) for w in words]
    if any(w in _NOT_NAME_WORDS for w in folded if w not in _PARTICLES):
        return False
    return any(w not in _PARTICLES for w in folded)


def introduced_name(text: str | None) -> str | None:
    """The name after "mi chiamo…", "sono…" (up to the first comma or a word that is no name)."""
    match = _NAME_INTRO.search(text or "")
    if not match:
        return None
    intro = match.group(0)[: match.start("name") - match.start()].strip().casefold()
    if intro.startswith(("sono", "i am")) and not match.group("name")[:1].isupper():
        return None  # "sono stato registrato": only "sono Anna" with a capital is a name
    captured = match.group("name")
    if (text or "")[match.end("name") : match.end("name") + 1].isdigit():
        captured = captured.rsplit(" ", 1)[0] if " " in captured else ""  # "…NRENMR80A41…"
    kept: list[str] = []
    for word in re.split(r"[\s]+", captured):
        clean = word.strip(",.;:")
        if not clean or (_fold(clean) in _NOT_NAME_WORDS and _fold(clean) not in _PARTICLES):
            break
        kept.append(clean)
        if word.endswith((",", ";", ".", ":")):
            break
    while kept and _fold(kept[-1]) in _PARTICLES:
        kept.pop()
    return " ".join(kept) or None


def split_full_name(full: str, codice_fiscale: str | None = None) -> tuple[str, str | None]:
    """(nome, cognome) from "Anna Maria Neri"; the codice fiscale decides where to cut."""
    words = full.split()
    if len(words) == 1:
        return full, None
    if codice_fiscale and len(codice_fiscale) >= 6:
        surname_code, name_code = codice_fiscale[:3].upper(), codice_fiscale[3:6].upper()
        for cut in range(1, len(words)):
            for nome, cognome in (
                (" ".join(words[:cut]), " ".join(words[cut:])),
                (" ".join(words[cut:]), " ".join(words[:cut])),
            ):
                if (
                    pd.cf_surname_code(cognome) == surname_code
                    and pd.cf_name_code(nome) == name_code
                ):
                    return nome, cognome
    # Without a codice fiscale: the first word is the name, unless a particle starts the rest.
    cut = 1
    for index in range(1, len(words)):
        if _fold(words[index]) in _PARTICLES:
            cut = index
            break
    return " ".join(words[:cut]), " ".join(words[cut:])


def data_in_text(text: str | None) -> dict[str, str]:
    """Every datum of the request the text carries, by slot name."""
    found: dict[str, str] = {}
    text = text or ""
    email = email_in_text(text)
    if email:
        found["email"] = email
    cf = codice_fiscale_in_text(text)
    if cf:
        found["codice_fiscale"] = cf
    phone = phone_in_text(text)
    if phone:
        found["telefono"] = phone
    cap = cap_in_text(text, labelled_only=True)
    if cap:
        found["cap"] = cap
    name = introduced_name(text)
    if name:
        nome, cognome = split_full_name(name, cf)
        found["nome"] = nome
        if cognome:
            found["cognome"] = cognome
    ditta = _DITTA_LABEL.search(text)
    if ditta:
        found["codice_ditta"] = ditta.group(1)
    caso = _CASO_LABEL.search(text)
    if caso:
        found["numero_caso"] = caso.group(1)
    return found


def numbers_in_text(text: str | None) -> list[str]:
    return DIGITS_IN_TEXT.findall(text or "")


__all__ = [
    "cap_in_text",
    "data_in_text",
    "email_in_text",
    "introduced_name",
    "looks_like_name",
    "numbers_in_text",
    "phone_in_text",
    "split_full_name",
]
