"""Validators of the personal data in a request: pure functions, no I/O after the data files load.

Each `check_*` returns a `Checked`: the normalised value, or an error code whose Italian message
is `bot.tickets.texts.error_message(code)`.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from bot.tickets.texts import load_data_file


@dataclass(frozen=True)
class Checked:
    value: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _valid(value: str | None) -> Checked:
    return Checked(value=value)


def _invalid(code: str) -> Checked:
    return Checked(error=code)


# --- nome, cognome -------------------------------------------------------------------------------

_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '’\-][^\W\d_]+)*\.?$")


def check_name(value: str | None, field: str = "nome") -> Checked:
    """A given name or surname: letters (accents allowed), spaces, apostrophes, hyphens."""
    cleaned = " ".join((value or "").split())
    if not cleaned:
        return _invalid(f"{field}_mancante")
    if len(cleaned) > 100 or not _NAME_RE.match(cleaned):
        return _invalid(f"{field}_formato")
    return _valid(cleaned)


# --- codice fiscale ------------------------------------------------------------------------------

_MONTHS = "ABCDEHLMPRST"
_OMOCODIA = "LMNPQRSTUV"  # replacement letters for the digits 0-9 in homonymous codes
_NUMERIC_POSITIONS = (6, 7, 9, 10, 12, 13, 14)  # 0-based positions that hold digits
_CF_RE = re.compile(
    r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$"
)
_ODD_VALUES = {
    **dict(zip("0123456789", (1, 0, 5, 7, 9, 13, 15, 17, 19, 21), strict=True)),
    **dict(
        zip(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            (
                1,
                0,
                5,
                7,
                9,
                13,
                15,
                17,
                19,
                21,
                2,
                4,
                18,
                20,
                11,
                3,
                6,
                8,
                12,
                14,
                16,
                10,
                22,
                25,
                24,
                23,
            ),
            strict=True,
        )
    ),
}
_VOWELS = frozenset("AEIOU")


def cf_check_character(first_fifteen: str) -> str:
    """The 16th character of a codice fiscale, from the official odd/even tables (mod 26)."""
    total = 0
    for index, char in enumerate(first_fifteen.upper()):
        if index % 2 == 0:  # 1st, 3rd, ... position: "dispari"
            total += _ODD_VALUES[char]
        else:
            total += int(char) if char.isdigit() else ord(char) - ord("A")
    return chr(ord("A") + total % 26)


def _letters(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.upper())
    return "".join(char for char in decomposed if "A" <= char <= "Z")


def _split_letters(name: str) -> tuple[str, str]:
    letters = _letters(name)
    consonants = "".join(char for char in letters if char not in _VOWELS)
    vowels = "".join(char for char in letters if char in _VOWELS)
    return consonants, vowels


def cf_surname_code(cognome: str) -> str:
    consonants, vowels = _split_letters(cognome)
    return (consonants + vowels + "XXX")[:3]


def cf_name_code(nome: str) -> str:
    consonants, vowels = _split_letters(nome)
    if len(consonants) >= 4:
        return consonants[0] + consonants[2] + consonants[3]
    return (consonants + vowels + "XXX")[:3]


def _decode_omocodia(code: str) -> str:
    chars = list(code)
    for position in _NUMERIC_POSITIONS:
        if chars[position] in _OMOCODIA:
            chars[position] = str(_OMOCODIA.index(chars[position]))
    return "".join(chars)


def check_codice_fiscale(
    value: str | None, *, nome: str | None = None, cognome: str | None = None
) -> Checked:
    """Format (omocodia included), birth date, check character and, when given, name and surname."""
    code = re.sub(r"[\s\-.]", "", value or "").upper()
    if not code:
        return _invalid("cf_mancante")
    if not _CF_RE.match(code):
        return _invalid("cf_formato")
    decoded = _decode_omocodia(code)
    day = int(decoded[9:11])
    if not (1 <= day <= 31 or 41 <= day <= 71):
        return _invalid("cf_data")
    if cf_check_character(code[:15]) != code[15]:
        return _invalid("cf_carattere_controllo")
    if cognome and _letters(cognome) and cf_surname_code(cognome) != code[0:3]:
        return _invalid("cf_cognome")
    if nome and _letters(nome) and cf_name_code(nome) != code[3:6]:
        return _invalid("cf_nome")
    return _valid(code)


# --- e-mail --------------------------------------------------------------------------------------

_EMAIL_LOCAL_RE = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-]+)*$"
)
_EMAIL_LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$")


def check_email(value: str | None) -> Checked:
    """Plain syntax of an address (PEC included: it is an ordinary address); no DNS lookups."""
    address = (value or "").strip().strip("<>").strip()
    if not address:
        return _invalid("email_mancante")
    if len(address) > 254 or address.count("@") != 1:
        return _invalid("email_formato")
    local, domain = address.split("@")
    domain = domain.lower().rstrip(".")
    labels = domain.split(".")
    if (
        not 1 <= len(local) <= 64
        or not _EMAIL_LOCAL_RE.match(local)
        or len(labels) < 2
        or not all(_EMAIL_LABEL_RE.match(label) for label in labels)
        or not re.fullmatch(r"[a-z]{2,63}", labels[-1])
    ):
        return _invalid("email_formato")
    return _valid(f"{local}@{domain}")


def same_email(first: str | None, second: str | None) -> bool:
    """Addresses compared case-insensitively (what people type varies; providers ignore case)."""
    if not first or not second:
        return False
    return first.strip().casefold() == second.strip().casefold()


# --- telefono ------------------------------------------------------------------------------------

_PHONE_SEPARATORS_RE = re.compile(r"[\s.\-/()]")
_MOBILE_RE = re.compile(r"^3\d{8,9}$")
_LANDLINE_RE = re.compile(r"^0\d{5,10}$")


def check_telefono(value: str | None) -> Checked:
    """Italian mobile (3xx) or landline (0x), optional +39/0039; normalised to E.164 (+39...)."""
    digits = _PHONE_SEPARATORS_RE.sub("", value or "")
    if not digits:
        return _invalid("telefono_mancante")
    if digits.startswith("+39"):
        digits = digits[3:]
    elif digits.startswith("0039"):
        digits = digits[4:]
    if not digits.isdigit() or not (_MOBILE_RE.match(digits) or _LANDLINE_RE.match(digits)):
        return _invalid("telefono_formato")
    return _valid("+39" + digits)


# --- CAP and INAIL office ------------------------------------------------------------------------


@dataclass(frozen=True)
class _CapRange:
    first: int
    last: int
    provincia: str | None


@lru_cache(maxsize=1)
def _cap_table() -> tuple[list[int], list[_CapRange], dict[str, str], str]:
    data = load_data_file("cap_province.yml")
    ranges = sorted(
        (_CapRange(int(first), int(last), provincia) for first, last, provincia in data["ranges"]),
        key=lambda item: item.first,
    )
    for previous, current in pairwise(ranges):
        if current.first <= previous.last:
            raise ValueError(f"overlapping CAP ranges at {current.first:05d}")
    return [item.first for item in ranges], ranges, data["province"], data["sede_template"]


def _cap_range(cap: str) -> _CapRange | None:
    starts, ranges, _, _ = _cap_table()
    index = bisect_right(starts, int(cap)) - 1
    if index >= 0 and ranges[index].first <= int(cap) <= ranges[index].last:
        return ranges[index]
    return None


def check_cap(value: str | None) -> Checked:
    cap = re.sub(r"\s", "", value or "")
    if not cap:
        return _invalid("cap_mancante")
    if not re.fullmatch(r"\d{5}", cap):
        return _invalid("cap_formato")
    if _cap_range(cap) is None:
        return _invalid("cap_inesistente")
    return _valid(cap)


def province_for_cap(cap: str) -> str | None:
    """The province code (e.g. "RM") of a valid CAP, or None where the CAP does not tell."""
    checked = check_cap(cap)
    if not checked.ok or checked.value is None:
        return None
    found = _cap_range(checked.value)
    return found.provincia if found else None


def suggest_unita(cap: str | None) -> str | None:
    """The INAIL office suggested for a CAP ("INAIL - Sede di Roma"); None when unsure."""
    provincia = province_for_cap(cap or "")
    if provincia is None:
        return None
    _, _, province, template = _cap_table()
    return template.format(capoluogo=province[provincia])


def check_unita(value: str | None, *, cap: str | None = None) -> Checked:
    """The office chosen by the doctor, or the suggested one for the CAP when left empty."""
    unita = " ".join((value or "").split()) or suggest_unita(cap)
    if not unita:
        return _invalid("unita_mancante")
    return _valid(unita[:200])


# --- codice ditta, numero caso (optional) ---------------------------------------------------------


def _optional_digits(value: str | None, *, min_len: int, max_len: int, code: str) -> Checked:
    digits = re.sub(r"[\s.\-/]", "", value or "")
    if not digits:
        return _valid(None)
    if not digits.isdigit() or not min_len <= len(digits) <= max_len:
        return _invalid(code)
    return _valid(digits)


def check_codice_ditta(value: str | None) -> Checked:
    return _optional_digits(value, min_len=4, max_len=12, code="codice_ditta_formato")


def check_numero_caso(value: str | None) -> Checked:
    return _optional_digits(value, min_len=4, max_len=15, code="numero_caso_formato")
