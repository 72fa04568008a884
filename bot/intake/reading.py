"""What a file says: which document it is, which side, and the holder's data read from it.

Plain data and pure functions over OCR'd lines (no image code here): `classify` tells the kind and
side from the words and the MRZ, `read_fields` takes the labelled fields of each kind. The image
pipeline is in `bot/intake/id_reader.py`; the PDF form is read in `bot/intake/check.py`.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from bot.intake.mrz import MrzData, has_mrz_lines, read_mrz
from bot.tickets.personal_data import cf_name_code, cf_surname_code, check_codice_fiscale

CIE = "carta_identita_elettronica"
PAPER_ID = "carta_identita"
LICENCE = "patente"
PASSPORT = "passaporto"
FORM = "modulo"
OTHER = "altro"
ID_KINDS = frozenset({CIE, PAPER_ID, LICENCE, PASSPORT})
READ_FIELDS = (
    "cognome",
    "nome",
    "data_nascita",
    "sesso",
    "codice_fiscale",
    "numero_documento",
    "scadenza",
)


@dataclass(frozen=True)
class Reading:
    """What was read from one file. Absent data are None: never guessed."""

    kind: str = OTHER
    side: str | None = None  # "fronte", "retro", "entrambi"
    source: str | None = None  # "mrz", "ocr", "campi", "firma"
    cognome: str | None = None
    nome: str | None = None
    data_nascita: date | None = None
    sesso: str | None = None
    codice_fiscale: str | None = None
    numero_documento: str | None = None
    scadenza: date | None = None
    mrz_valid: bool = False
    has_mrz: bool = False  # MRZ-looking lines were seen (valid or not)
    quality: tuple[str, ...] = ()  # why the picture is hard to read
    signature_ink: bool | None = None  # a photo/scan of the form: ink in the signature box
    rotation: int = 0  # degrees the picture was turned to read it
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_id(self) -> bool:
        return self.kind in ID_KINDS

    def api_dict(self) -> dict[str, Any]:
        """The upload API's `read`: kind, side, source and the fields read (dates ISO)."""
        out: dict[str, Any] = {"kind": self.kind}
        if self.side:
            out["side"] = self.side
        if self.source:
            out["source"] = self.source
        for name in READ_FIELDS:
            value = getattr(self, name)
            if value:
                out[name] = value.isoformat() if isinstance(value, date) else value
        return out

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("data_nascita", "scadenza"):
            if data[name]:
                data[name] = data[name].isoformat()
        data["quality"] = list(self.quality)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Reading | None:
        if not data:
            return None
        values = {k: data.get(k) for k in cls.__dataclass_fields__ if k in data}
        for name in ("data_nascita", "scadenza"):
            if values.get(name):
                values[name] = date.fromisoformat(str(values[name]))
        values["quality"] = tuple(values.get("quality") or ())
        values["extra"] = dict(values.get("extra") or {})
        return cls(**values)

    def with_(self, **changes: Any) -> Reading:
        return replace(self, **changes)


def plain(text: str) -> str:
    """Upper case ASCII: "Identità" -> "IDENTITA"."""
    decomposed = unicodedata.normalize("NFKD", text.upper())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# -- kind and side ---------------------------------------------------------------------------

_FORM_WORDS = ("ABILITAZIONE", "MEDICO ESTERNO", "MEDICI ESTERNI", "CREDENZIALI DISPOSITIVE")
_FRONT_WORDS = ("SURNAME", "MUNICIPALITY", "DATE OF BIRTH", "HOLDER", "EXPIRY", "STATURA")
_BACK_WORDS = ("CODICE FISCALE", "FISCAL CODE", "RESIDENZA", "RESIDENCE", "ATTO DI NASCITA")
_PAPER_WORDS = ("STATO CIVILE", "PROFESSIONE", "CONNOTATI", "NATO IL", "NATA IL", "CONTRASSEGNI")


def _count(text: str, words: Sequence[str]) -> int:
    return sum(1 for word in words if word in text)


def classify(text: str, mrz: MrzData | None, mrz_seen: bool) -> tuple[str, str | None]:
    """(kind, side) from the words of the document and its MRZ."""
    upper = plain(text)
    squeezed = re.sub(r"[^A-Z0-9]", "", upper)
    if mrz is not None and mrz.format == "TD3":
        return PASSPORT, "fronte"
    if "PASSAPORTO" in squeezed or "PASSPORT" in squeezed:
        return PASSPORT, "fronte"
    if "PATENTE" in squeezed and ("GUIDA" in squeezed or "DRIVING" in squeezed):
        return LICENCE, "fronte"
    if re.search(r"\b4\s?[AB][.,]", upper) and re.search(r"\b4\s?C[.,]", upper):
        return LICENCE, "fronte"
    form_score = _count(upper, _FORM_WORDS) + ("INAIL" in squeezed)
    if form_score >= 2 or ("DOMANDA" in squeezed and form_score >= 1):
        return FORM, None
    back = mrz is not None or mrz_seen or _count(upper, _BACK_WORDS) >= 2
    identity_words = "IDENTITA" in squeezed or "IDENTITYCARD" in squeezed
    front = _count(upper, _FRONT_WORDS) >= 2 or (identity_words and "REPUBBLICA" in squeezed)
    if _count(upper, _PAPER_WORDS) >= 2 and not back and mrz is None:
        return PAPER_ID, "fronte"
    if front and back:
        return CIE, "entrambi"
    if back:
        return CIE, "retro"
    if front:
        return CIE, "fronte"
    if identity_words:
        return PAPER_ID if _count(upper, _PAPER_WORDS) else CIE, "fronte"
    if form_score >= 1 and "MEDIC" in squeezed:
        return FORM, None
    return OTHER, None


# -- dates, names, codes ---------------------------------------------------------------------

_DATE_RE = re.compile(r"(?<!\d)(\d{1,2})\s?[./\- ]\s?(\d{1,2})\s?[./\- ]\s?(\d{4}|\d{2})(?!\d)")
_CIE_NUMBER_RE = re.compile(r"\b([A-Z]{2}(?:\s?\d){5}\s?[A-Z]{2})\b")  # CA12345AB
_PAPER_NUMBER_RE = re.compile(r"\b([A-Z]{2}\s?\d{7})\b")
_CF_LOOSE_RE = re.compile(r"[A-Z0-9]{16}")
_CF_LETTER_POSITIONS = (0, 1, 2, 3, 4, 5, 8, 11, 15)
_CF_DIGIT_POSITIONS = (6, 7, 9, 10, 12, 13, 14)
_TO_LETTER = {"0": "O", "1": "I", "2": "Z", "4": "A", "5": "S", "6": "G", "7": "T", "8": "B"}
_TO_DIGIT = {"O": "0", "Q": "0", "D": "0", "I": "1", "Z": "2", "S": "5", "B": "8", "G": "6"}
_CF_SWAPS = {"E": "F", "F": "E", "H": "N", "N": "H", "C": "G", "G": "C", "U": "V", "V": "U"}


def dates_in(text: str) -> list[date]:
    found = []
    for day, month, year in _DATE_RE.findall(text):
        number = int(year)
        if len(year) == 2:
            number += 2000 if number <= (date.today().year % 100) + 15 else 1900
        try:
            found.append(date(number, int(month), int(day)))
        except ValueError:
            continue
    return [d for d in found if 1900 <= d.year <= 2100]


def repair_codice_fiscale(raw: str) -> str | None:
    """A codice fiscale from OCR'd characters, fixed by position and proven by its check letter."""
    code = re.sub(r"[^A-Z0-9]", "", plain(raw))
    if len(code) != 16:
        return None
    chars = list(code)
    for i in _CF_LETTER_POSITIONS:
        chars[i] = _TO_LETTER.get(chars[i], chars[i])
    for i in _CF_DIGIT_POSITIONS:
        chars[i] = _TO_DIGIT.get(chars[i], chars[i])
    fixed = "".join(chars)
    if check_codice_fiscale(fixed).ok:
        return fixed
    letters = [i for i in _CF_LETTER_POSITIONS if fixed[i] in _CF_SWAPS]
    for count in (1, 2):
        for positions in itertools.combinations(letters, count):
            trial = list(fixed)
            for i in positions:
                trial[i] = _CF_SWAPS[trial[i]]
            if check_codice_fiscale("".join(trial)).ok:
                return "".join(trial)
    return None


def codice_fiscale_candidates(lines: Sequence[str], targeted: Sequence[str] = ()) -> list[str]:
    """Codici fiscali proven by their check letter: whole words of the text, and any 16
    characters of the `targeted` lines (re-read with letters and digits only)."""
    found: list[str] = []
    for line in lines:
        for word in plain(line).split():
            fixed = repair_codice_fiscale(word) if 15 <= len(word) <= 17 else None
            if fixed:
                found.append(fixed)
    for line in targeted:
        squeezed = re.sub(r"\s", "", plain(line))
        for start in range(0, max(0, len(squeezed) - 15)):
            fixed = repair_codice_fiscale(squeezed[start : start + 16])
            if fixed:
                found.append(fixed)
    return list(dict.fromkeys(found))


def codice_fiscale_in(lines: Sequence[str]) -> str | None:
    candidates = codice_fiscale_candidates(lines)
    return candidates[0] if candidates else None


_LABEL_WORDS = frozenset(
    {
        "SURNAME",
        "NAME",
        "NAMES",
        "GIVEN",
        "MUNICIPALITY",
        "PLACE",
        "AND",
        "DATE",
        "OF",
        "BIRTH",
        "SEX",
        "HEIGHT",
        "NATIONALITY",
        "ISSUE",
        "EXPIRY",
        "HOLDER'S",
        "HOLDERS",
        "SIGNATURE",
        "FISCAL",
        "CODE",
        "COGNOME",
        "NOME",
        "PASSAPORTO",
        "PASSPORT",
        "NO",
        "N.",
        "N",
        "SESSO",
        "DATA",
        "DI",
        "NASCITA",
        "LUOGO",
        "SCADENZA",
        "CITTADINANZA",
    }
)


def _clean_name(value: str) -> str | None:
    """The name in a value line: words of letters only, without labels and stray marks."""
    words = [w.strip(".,:;'") for w in plain(value).replace("/", " ").split()]
    words = [w for w in words if re.fullmatch(r"[A-Z']+", w) and w not in _LABEL_WORDS]
    words = [w for w in words if len(w) >= 2]
    cleaned = " ".join(words).strip(" '")
    return cleaned or None


# -- labelled fields ---------------------------------------------------------------------------


def _after_label(lines: Sequence[str], pattern: str, exclude: str | None = None) -> str | None:
    """The value of a labelled field: the rest of the label's line, or the next line."""
    regex = re.compile(pattern)
    for index, line in enumerate(lines):
        upper = plain(line)
        match = regex.search(upper)
        if not match or (exclude and re.search(exclude, upper)):
            continue
        rest = upper[match.end() :].strip(" :./-")
        words = [w for w in rest.replace("/", " ").split() if w not in _LABEL_WORDS]
        if words and not _only_labels(rest):
            return " ".join(words)
        if index + 1 < len(lines):
            return plain(lines[index + 1])
    return None


def _only_labels(text: str) -> bool:
    words = text.replace("/", " ").split()
    return all(w in _LABEL_WORDS or len(w) <= 1 for w in words)


_FIELD_ONE = "[1LI|]{1,2}"  # the licence's "1." is often read as "l." or "I."


def _numbered(lines: Sequence[str], number: str) -> str | None:
    """The driving licence's field `number` ("1.", "4b.")."""
    label = _FIELD_ONE if number == "1" else re.escape(number)
    regex = re.compile(rf"(?:^|\s){label}\s?[.,:]\s*(.+)$")
    for line in lines:
        match = regex.search(plain(line))
        if match:
            return match.group(1).strip()
    return None


def _sex_after(lines: Sequence[str]) -> str | None:
    value = _after_label(lines, r"\bSESSO\b|\bSEX\b")
    tokens = (value or "").split()
    for token in tokens[:3]:
        if token in ("M", "F"):
            return token
    for token in tokens[:3]:
        if len(token) <= 2 and token[-1:] in ("M", "F"):
            return token[-1]
    return None


def _same_line(lines: Sequence[str], pattern: str) -> str | None:
    """A value written after its label on the same line ("Cognome  Ferri")."""
    regex = re.compile(pattern)
    for line in lines:
        match = regex.search(plain(line))
        if match:
            rest = plain(line)[match.end() :].strip(" :.")
            if rest:
                return rest
    return None


def read_fields(kind: str, lines: Sequence[str]) -> dict[str, Any]:
    """The holder's data from the OCR'd lines of one document kind (None where not found)."""
    text = "\n".join(lines)
    upper = plain(text)
    found: dict[str, Any] = {}
    all_dates = dates_in(upper)
    if kind == LICENCE:
        found["cognome"] = _clean_name(_numbered(lines, "1") or "")
        found["nome"] = _clean_name(_numbered(lines, "2") or "")
        birth = dates_in(_numbered(lines, "3") or "")
        expiry = dates_in(_numbered(lines, "4B") or "")
        found["data_nascita"] = birth[0] if birth else None
        found["scadenza"] = expiry[0] if expiry else (max(all_dates) if all_dates else None)
        number = _numbered(lines, "5")
        found["numero_documento"] = re.sub(r"\s", "", number) if number else None
        return found
    if kind == FORM:
        found["cognome"] = _clean_name(_same_line(lines, r"^\s*COGNOME\b") or "")
        found["nome"] = _clean_name(_same_line(lines, r"^\s*NOME\b") or "")
        birth = dates_in(_same_line(lines, r"\bNAT[OA/]+\b.*?\bIL\b|^\s*IL\b") or "")
        found["data_nascita"] = birth[0] if birth else None
        return found
    if kind in (CIE, PAPER_ID, PASSPORT):
        found["cognome"] = _clean_name(_after_label(lines, r"COGNOME|SURNAME") or "")
        found["nome"] = _clean_name(
            _after_label(lines, r"\bNOME\b|GIVEN NAMES|\bNAME\b", exclude=r"COGNOME|SURNAME") or ""
        )
        birth_line = _after_label(lines, r"NASCITA|DATE OF BIRTH|NAT[OA] IL")
        birth = dates_in(birth_line or "")
        if not birth and len(all_dates) >= 3:
            birth = [min(all_dates)]  # birth, issue, expiry: the birth date is the earliest
        found["data_nascita"] = birth[0] if birth else None
        expiry_line = _after_label(lines, r"SCADENZA|EXPIRY|VALIDA FINO")
        expiry = [d for d in dates_in(expiry_line or "") if d != found["data_nascita"]]
        later = [d for d in all_dates if found["data_nascita"] is None or d > found["data_nascita"]]
        found["scadenza"] = max(expiry) if expiry else (max(later) if len(later) >= 2 else None)
        found["sesso"] = _sex_after(lines)
        number = _CIE_NUMBER_RE.search(upper) or _PAPER_NUMBER_RE.search(upper)
        found["numero_documento"] = re.sub(r"\s", "", number.group(1)) if number else None
    return found


def from_lines(
    lines: Sequence[str],
    mrz_passes: Sequence[Sequence[str]] = (),
    cf_lines: Sequence[str] = (),
    rows: Sequence[str] | None = None,
) -> Reading:
    """A Reading from the OCR'd text of a picture (and dedicated MRZ / codice fiscale passes).

    `rows`: the same text regrouped by the lines' positions (a label and its value side by side
    on one row), which the form's fields are read from when given."""
    mrz = read_mrz(*[list(p) for p in mrz_passes], list(lines))
    seen = any(has_mrz_lines(list(p)) for p in (*mrz_passes, lines))
    kind, side = classify("\n".join(lines), mrz, seen)
    if kind == FORM:
        fields = read_fields(kind, rows if rows is not None else lines)
    else:
        fields = read_fields(kind, lines) if kind in ID_KINDS else {}
    candidates = codice_fiscale_candidates(lines, cf_lines)
    reading = Reading(kind=kind, side=side, has_mrz=seen or mrz is not None)
    values: dict[str, Any] = {k: v for k, v in fields.items() if v}
    source = "ocr" if values else None
    if mrz is not None:
        source = "mrz"
        values.update(
            cognome=_prefer_clean(mrz.cognome, values.get("cognome")),
            nome=_prefer_clean(mrz.nome, values.get("nome")),
            data_nascita=mrz.birth or values.get("data_nascita"),
            sesso=mrz.sex or values.get("sesso"),
            numero_documento=document_number(mrz.number, values.get("numero_documento")),
            scadenza=mrz.expiry or values.get("scadenza"),
        )
    codice_fiscale = None
    if mrz is not None:
        # The code printed beside a valid MRZ encodes the same person: a candidate that does
        # not is a misreading, and none is better than a wrong one.
        probe = Reading(kind=kind, **{k: v for k, v in values.items() if k in READ_FIELDS})
        consistent = [c for c in candidates if not _cf_disagrees(c, probe)]
        codice_fiscale = consistent[0] if consistent else None
    elif candidates:
        codice_fiscale = candidates[0]
    if codice_fiscale and (kind in ID_KINDS or kind == FORM):
        values["codice_fiscale"] = codice_fiscale
        source = source or "ocr"
        values["nome"] = fit_name_to_cf(values.get("nome"), codice_fiscale[3:6], cf_name_code)
        values["cognome"] = fit_name_to_cf(
            values.get("cognome"), codice_fiscale[0:3], cf_surname_code
        )
    return reading.with_(source=source, mrz_valid=mrz is not None, **values)


_NUMBER_FORMATS = (
    re.compile(r"[A-Z]{2}\d{5}[A-Z]{2}"),  # CIE: CA12345AB
    re.compile(r"[A-Z]{2}\d{7}"),  # passport, paper card: YA1234567, AY1234567
)
# Characters the MRZ check digit cannot tell apart (same value modulo 10) that OCR confuses.
_SAME_CHECK_VALUE = {"6": "G", "G": "6", "8": "S", "S": "8", "5": "Z", "Z": "5"}


def _known_format(number: str) -> bool:
    return any(f.fullmatch(number) for f in _NUMBER_FORMATS)


def document_number(from_mrz: str | None, printed: str | None) -> str | None:
    """The MRZ's document number, with the confusions its check digit cannot catch (6/G, 8/S,
    5/Z) settled by the Italian number formats, or by the printed number when that agrees."""
    if not from_mrz:
        return printed
    if _known_format(from_mrz):
        return from_mrz
    if (
        printed
        and len(printed) == len(from_mrz)
        and _known_format(printed)
        and all(
            a == b or _SAME_CHECK_VALUE.get(a) == b for a, b in zip(from_mrz, printed, strict=True)
        )
    ):
        return printed
    ambiguous = [i for i, c in enumerate(from_mrz) if c in _SAME_CHECK_VALUE]
    for count in range(1, min(3, len(ambiguous)) + 1):
        for positions in itertools.combinations(ambiguous, count):
            chars = list(from_mrz)
            for i in positions:
                chars[i] = _SAME_CHECK_VALUE[chars[i]]
            trial = "".join(chars)
            if _known_format(trial):
                return trial
    return from_mrz


def _prefer_clean(from_mrz: str | None, from_ocr: str | None) -> str | None:
    """The MRZ's name, unless it is the printed one plus a stray filler letter or two."""
    if not from_mrz:
        return from_ocr
    if from_ocr and from_mrz != from_ocr and noisy_variant(from_mrz, from_ocr):
        return from_ocr
    return from_mrz


def noisy_variant(noisy: str, clean: str) -> bool:
    """`noisy` is `clean` with `<` fillers misread as letters (GIULIAK, DEXLUCA, SANTOROKX)."""
    a, b = noisy.replace(" ", ""), clean.replace(" ", "")
    if a == b or not b:
        return a == b
    if a.startswith(b) and len(a) - len(b) <= 2:
        return True
    return len(a) == len(b) + 1 and any(
        a[:i] + a[i + 1 :] == b for i in range(len(a)) if a[i] in "KX"
    )


def _cf_disagrees(codice_fiscale: str, reading: Reading) -> bool:
    from bot.intake.document_checks import cf_mismatches

    return bool(cf_mismatches(codice_fiscale, reading))


def fit_name_to_cf(name: str | None, code: str, coder: Any) -> str | None:
    """A name read with stray letters (filler misread as K, S, C) trimmed until its codice
    fiscale letters match; unchanged when nothing fits."""
    if not name or coder(name) == code:
        return name
    words = name.split()
    candidates = [" ".join(words[:n]) for n in range(len(words), 0, -1)]
    # A `<` between two names (DE<LUCA) read as K or X: a space, or nothing, instead.
    candidates += [
        name[:i] + sep + name[i + 1 :] for i, c in enumerate(name) if c in "KX" for sep in (" ", "")
    ]
    for candidate in list(candidates):
        for cut in range(1, 3):
            candidates += [candidate[cut:], candidate[:-cut], candidate[cut:-cut]]
    for candidate in candidates:
        candidate = candidate.strip()
        if len(candidate) >= 2 and coder(candidate) == code:
            return candidate
    return name


def merge(readings: Sequence[Reading]) -> Reading:
    """Front and back (two pages, or two photos) as one document: MRZ data win over OCR."""
    readings = [r for r in readings if r.kind != OTHER] or list(readings)
    if not readings:
        return Reading()
    ranked = sorted(readings, key=lambda r: (r.mrz_valid, r.source is not None), reverse=True)
    best = ranked[0]
    values = {name: getattr(best, name) for name in READ_FIELDS}
    for other in ranked[1:]:
        for name in READ_FIELDS:
            value = getattr(other, name)
            current = values[name]
            if name in ("cognome", "nome") and current and value and noisy_variant(current, value):
                values[name] = value
            values[name] = values[name] or value
    sides = {r.side for r in readings if r.side}
    side = "entrambi" if {"fronte", "retro"} <= sides or "entrambi" in sides else best.side
    kinds = [r.kind for r in readings if r.kind in ID_KINDS]
    kind = CIE if CIE in kinds else (kinds[0] if kinds else best.kind)
    return best.with_(
        kind=kind,
        side=side,
        mrz_valid=any(r.mrz_valid for r in readings),
        has_mrz=any(r.has_mrz for r in readings),
        quality=tuple(sorted({q for r in readings for q in r.quality})),
        **values,
    )
