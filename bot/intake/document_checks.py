"""What INAIL would refuse, checked before anything is filed.

- the ID is expired (refused) or expires within 30 days (a warning);
- a paper carta d'identità: no longer valid since 3 August 2026 (Reg. EU 2019/1157, art. 5);
- the ID could not be read: retake advice saying what went wrong (after two tries: accepted for
  the operator to verify);
- surname, name, birth date and codice fiscale: form vs ID vs what the doctor typed;
- the codice fiscale against the surname, name, birth date and sex read from the ID.

Texts come from messages.yml; the results contain personal data: returned, never logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from bot.intake.identity import normalise
from bot.intake.identity import where as _where
from bot.intake.messages import catalogue, field_label, problem, warning
from bot.intake.model import DeclaredIdentity, Problem
from bot.intake.reading import CIE, FORM, ID_KINDS, OTHER, PAPER_ID, Reading
from bot.tickets.personal_data import cf_name_code, cf_surname_code

PAPER_ID_END = date(2026, 8, 3)  # Reg. (EU) 2019/1157, art. 5(1): cards without an MRZ
EXPIRY_WARNING_DAYS = 30
UNREADABLE_TRIES = 2  # after this many refusals the photo is accepted "da verificare"
COMPARED = ("cognome", "nome", "data_nascita", "codice_fiscale")
_MONTHS = "ABCDEHLMPRST"


def italian_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def is_sufficient(reading: Reading) -> bool:
    """Enough was read to check the document (its holder and validity)."""
    if reading.kind == FORM:
        return True
    if reading.kind not in ID_KINDS:
        return False
    if reading.mrz_valid:
        return True
    if reading.kind == CIE and reading.side == "retro":
        return False  # the back's data are in the MRZ
    return bool(reading.scadenza and (reading.cognome or reading.nome))


def unreadable_reasons(reading: Reading) -> str:
    """What went wrong, in words ("è sfocata, ha riflessi")."""
    texts: dict[str, str] = catalogue()["qualita"]
    reasons = [texts[q] for q in reading.quality if q in texts]
    if reading.kind == CIE and reading.side == "retro" and not reading.mrz_valid:
        reasons.append(texts["mrz_illeggibile" if reading.has_mrz else "mrz_assente"])
    if not reasons:
        reasons.append(texts["non_riconosciuto" if reading.kind == OTHER else "dati_illeggibili"])
    return ", ".join(dict.fromkeys(reasons))


@dataclass
class DocumentVerdict:
    problems: list[Problem]
    warnings: list[Problem]
    flags: list[str]


def check_document(
    reading: Reading, purpose: str, unreadable_tries: int, today: date | None = None
) -> DocumentVerdict:
    """Validity of an ID document, or retake advice when it could not be read."""
    today = today or date.today()
    verdict = DocumentVerdict([], [], [])
    if reading.kind == PAPER_ID and today >= PAPER_ID_END:
        verdict.problems.append(problem("carta_cartacea_non_valida", purpose))
        return verdict
    if reading.scadenza and reading.kind in ID_KINDS:
        if reading.scadenza < today:
            verdict.problems.append(
                problem("documento_scaduto", purpose, scadenza=italian_date(reading.scadenza))
            )
            return verdict
        if reading.scadenza <= today + timedelta(days=EXPIRY_WARNING_DAYS):
            verdict.warnings.append(
                warning("documento_in_scadenza", purpose, scadenza=italian_date(reading.scadenza))
            )
    if not is_sufficient(reading):
        if unreadable_tries < UNREADABLE_TRIES:
            verdict.problems.append(
                problem("documento_illeggibile", purpose, motivi=unreadable_reasons(reading))
            )
        else:
            verdict.flags.append("da_verificare")
            verdict.warnings.append(warning("documento_da_verificare", purpose))
    return verdict


# -- comparisons -------------------------------------------------------------------------------


def _same(attr: str, first: object, second: object) -> bool:
    if isinstance(first, date) or isinstance(second, date):
        return first == second
    a, b = normalise(str(first)), normalise(str(second))
    if a == b:
        return True
    if attr in ("nome", "cognome"):
        # "MARIA ELENA" on the ID and "Maria" typed: the same person's given names.
        words_a = set(normalise(w) for w in str(first).split())
        words_b = set(normalise(w) for w in str(second).split())
        return bool(words_a and words_b) and (words_a <= words_b or words_b <= words_a)
    return False


def same_value(attr: str, first: object, second: object) -> bool:
    """The same datum written two ways (case, accents, apostrophes, part of the given names)."""
    return _same(attr, first, second)


def _shown(value: object) -> str:
    return italian_date(value) if isinstance(value, date) else str(value).strip().upper()


def differences(
    sources: Mapping[str, Mapping[str, object]], purpose: str
) -> list[tuple[str, Problem]]:
    """Each datum that differs between two sources ("modulo", "documento", "dichiarati"),
    named with both values: (field, warning)."""
    found: list[tuple[str, Problem]] = []
    names = list(sources)
    for attr in COMPARED:
        for i, first in enumerate(names):
            for second in names[i + 1 :]:
                a, b = sources[first].get(attr), sources[second].get(attr)
                if a and b and not _same(attr, a, b):
                    found.append(
                        (
                            attr,
                            warning(
                                "dato_diverso",
                                purpose,
                                campo=field_label(attr),
                                dove=_where(first),
                                valore=_shown(a),
                                rispetto=_where(second),
                                altro=_shown(b),
                            ),
                        )
                    )
                    break
            else:
                continue
            break
    return found


def identity_sources(
    readings: Mapping[str, Reading | None], declared: DeclaredIdentity | None
) -> dict[str, dict[str, object]]:
    """The data each source gives: the form, the ID (front and back merged), the typed data."""
    sources: dict[str, dict[str, object]] = {}
    document: dict[str, object] = {}
    for purpose, reading in readings.items():
        if reading is None:
            continue
        values = {attr: getattr(reading, attr) for attr in COMPARED if getattr(reading, attr)}
        if reading.kind == FORM or purpose == "modulo":
            if reading.kind == FORM or values:
                sources.setdefault("modulo", {}).update(values)
        elif reading.kind in ID_KINDS:
            for attr, value in values.items():
                document.setdefault(attr, value)
    if document:
        sources["documento"] = document
    if declared is not None:
        typed = {
            attr: getattr(declared, attr)
            for attr in ("cognome", "nome", "codice_fiscale")
            if getattr(declared, attr)
        }
        if typed:
            sources["dichiarati"] = typed
    return sources


def cf_mismatches(codice_fiscale: str, reading: Reading) -> list[str]:
    """Which of the ID's data the codice fiscale does not encode (labels, in Italian)."""
    code = normalise(codice_fiscale)
    if len(code) != 16 or not reading.is_id:
        return []
    wrong = []
    if reading.cognome and cf_surname_code(reading.cognome) != code[0:3]:
        wrong.append("cognome")
    if reading.nome and cf_name_code(reading.nome) != code[3:6]:
        wrong.append("nome")
    if reading.data_nascita:
        decoded = _decode_digits(code)
        day = int(decoded[9:11]) if decoded[9:11].isdigit() else -1
        year_ok = decoded[6:8] == f"{reading.data_nascita.year % 100:02d}"
        month_ok = code[8] == _MONTHS[reading.data_nascita.month - 1]
        if not (year_ok and month_ok and day % 40 == reading.data_nascita.day):
            wrong.append("data_nascita")
        elif reading.sesso and (day > 40) != (reading.sesso == "F"):
            wrong.append("sesso")
    return wrong


def _decode_digits(code: str) -> str:
    table = {letter: str(digit) for digit, letter in enumerate("LMNPQRSTUV")}
    chars = list(code)
    for position in (6, 7, 9, 10, 12, 13, 14):
        chars[position] = table.get(chars[position], chars[position])
    return "".join(chars)


def cf_warning(codice_fiscale: str | None, reading: Reading, purpose: str) -> list[Problem]:
    if not codice_fiscale:
        return []
    wrong = cf_mismatches(codice_fiscale, reading)
    if not wrong:
        return []
    labels = catalogue()["campi"]
    return [
        warning(
            "cf_non_coerente",
            purpose,
            codice_fiscale=normalise(codice_fiscale),
            dati=", ".join(labels[w].split(" ", 1)[-1] for w in wrong),
        )
    ]
