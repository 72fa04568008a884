"""Machine-readable zones (ICAO 9303): TD1 (ID cards, 3×30) and TD3 (passports, 2×44).

`read_mrz(lines)` finds the zone among OCR'd lines, corrects the usual OCR confusions by position
(a digit where a digit must be: O→0, I→1, S→5, B→8; a letter where a letter must be; `K`/`«`
for the `<` filler) and accepts the zone only when every check digit agrees.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

_WEIGHTS = (7, 3, 1)
TO_DIGIT = {"O": "0", "Q": "0", "D": "0", "U": "0", "I": "1", "L": "1", "T": "7", "Z": "2"}
TO_DIGIT |= {"S": "5", "B": "8", "G": "6", "A": "4", "<": "0"}
TO_LETTER = {"0": "O", "1": "I", "2": "Z", "4": "A", "5": "S", "6": "G", "7": "T", "8": "B"}
_FILLER_LOOKALIKES = set("«‹(£{[")
# Between fillers (or after them at the end of a line) these letters are a misread `<`.
_FILLER_NOISE = re.compile(r"(?<=<)[KXCEQS]{1,3}(?=<|$)")
_MRZ_CHARS = re.compile(r"[^A-Z0-9<]")
# OCR confusions tried when a check digit fails on an alphanumeric field (document number).
_SWAPS = {"0": "O", "O": "0", "1": "I", "I": "1", "5": "S", "S": "5", "8": "B", "B": "8"}
_SWAPS |= {"2": "Z", "Z": "2", "6": "G", "G": "6", "D": "0", "Q": "0"}


def _value(char: str) -> int:
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    return 0  # "<"


def check_digit(text: str) -> str:
    """ICAO 9303 check digit: weights 7, 3, 1 repeated, sum modulo 10."""
    return str(sum(_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(text)) % 10)


class _Holder(Protocol):
    nome: str
    cognome: str
    sesso: str
    nascita: date
    scadenza: date
    numero: str


def _yymmdd(value: date) -> str:
    return value.strftime("%y%m%d")


def name_field(cognome: str, nome: str, width: int) -> str:
    def part(text: str) -> str:
        letters = re.sub(r"[^A-Z ]", "", _ascii_upper(text))
        return "<".join(letters.split())

    return (part(cognome) + "<<" + part(nome)).ljust(width, "<")[:width]


def _ascii_upper(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.upper().replace("'", " "))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def td1_lines(holder: _Holder, nationality: str = "ITA") -> list[str]:
    number = holder.numero.ljust(9, "<")
    line1 = ("CI" + nationality + number + check_digit(number)).ljust(30, "<")
    birth, expiry = _yymmdd(holder.nascita), _yymmdd(holder.scadenza)
    line2 = birth + check_digit(birth) + holder.sesso + expiry + check_digit(expiry)
    line2 = (line2 + nationality).ljust(29, "<")
    line2 += check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    return [line1, line2, name_field(holder.cognome, holder.nome, 30)]


def td3_lines(holder: _Holder, nationality: str = "ITA") -> list[str]:
    line1 = ("P<" + nationality + name_field(holder.cognome, holder.nome, 39))[:44]
    number = holder.numero.ljust(9, "<")
    birth, expiry = _yymmdd(holder.nascita), _yymmdd(holder.scadenza)
    personal = "<" * 14
    line2 = number + check_digit(number) + nationality + birth + check_digit(birth)
    line2 += holder.sesso + expiry + check_digit(expiry) + personal + check_digit(personal)
    line2 += check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    return [line1, line2]


@dataclass(frozen=True)
class MrzData:
    """What a valid MRZ says; `format` is "TD1" or "TD3"."""

    format: str
    document_code: str
    country: str
    number: str
    birth: date | None
    sex: str | None
    expiry: date | None
    cognome: str
    nome: str
    lines: tuple[str, ...]


def clean_line(raw: str) -> str:
    """Upper case, spaces out, filler look-alikes to `<`, anything else dropped."""
    text = raw.upper().replace(" ", "")
    text = "".join("<" if c in _FILLER_LOOKALIKES else c for c in text)
    text = _MRZ_CHARS.sub("", text)
    previous = None
    while previous != text:
        previous, text = text, _FILLER_NOISE.sub(lambda m: "<" * len(m.group(0)), text)
    return text


def _fix_length(line: str, width: int) -> str:
    """Pad or trim the longest run of fillers (OCR merges or splits `<<<<`)."""
    if len(line) == width:
        return line
    runs = list(re.finditer(r"<{2,}", line))
    if not runs:
        return line.ljust(width, "<")[:width]
    run = max(runs, key=lambda m: m.end() - m.start())
    delta = width - len(line)
    size = max(1, run.end() - run.start() + delta)
    return (line[: run.start()] + "<" * size + line[run.end() :])[:width].ljust(width, "<")


def _digits(text: str) -> str:
    return "".join(TO_DIGIT.get(c, c) for c in text)


def _letters(text: str) -> str:
    return "".join(TO_LETTER.get(c, c) for c in text)


def _date(yymmdd: str, future: bool) -> date | None:
    if not yymmdd.isdigit():
        return None
    year, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    today = date.today()
    century = 2000 if (future or year <= today.year % 100) else 1900
    if future and 2000 + year > today.year + 30:
        century = 1900
    try:
        return date(century + year, month, day)
    except ValueError:
        return None


def _number_candidates(field: str, digit: str) -> str | None:
    """The document number whose check digit is `digit`, trying the usual confusions."""
    if check_digit(field) == digit:
        return field
    ambiguous = [i for i, c in enumerate(field) if c in _SWAPS][:6]
    for count in range(1, len(ambiguous) + 1):
        for positions in itertools.combinations(ambiguous, count):
            chars = list(field)
            for position in positions:
                chars[position] = _SWAPS[chars[position]]
            candidate = "".join(chars)
            if check_digit(candidate) == digit:
                return candidate
    return None


def _names(field: str) -> tuple[str, str]:
    field = _letters(field).replace("0", "O")
    surname, _, given = field.partition("<<")
    given = given.lstrip("<")
    end = re.search(r"<[<KSECQX]*$", given)
    if end:
        given = given[: end.start()]
    given_names = [n for n in given.split("<") if n]
    # Trailing noise in the filler (`K`, `C`, `E` read for `<`) becomes one-letter "names".
    while given_names and len(given_names[-1]) <= 2 and len(given_names) > 1:
        given_names.pop()
    given_names = [n for n in given_names if not set(n) <= set("KSECQX")]
    return surname.replace("<", " ").strip(), " ".join(given_names)


def _noise(text: str) -> bool:
    """Fillers as OCR reads a long run of `<` (K, S, E, C, Q mixed in), or nothing."""
    return all(c in "<KSECQX" for c in text)


def _optional(raw: str, width: int) -> list[str]:
    options = ["<" * width]
    if raw and not _noise(raw):
        options.append(raw[:width].ljust(width, "<"))
    return options


def _parse_td1(lines: list[str]) -> MrzData | None:
    raw1, raw2, l3 = lines
    code = _letters(raw1[0:2])
    country = _letters(raw1[2:5])
    tail2 = raw2[18:]
    composite = _digits(tail2[-1:]) if tail2 else ""
    number = _number_candidates(raw1[5:14], _digits(raw1[14:15]))
    head2 = _digits(raw2[0:7]) + _letters(raw2[7:8]) + _digits(raw2[8:15]) + _letters(raw2[15:18])
    birth, expiry = head2[0:6], head2[8:14]
    if number is None or len(head2) < 18:
        return None
    if check_digit(birth) != head2[6] or check_digit(expiry) != head2[14]:
        return None
    for optional1 in _optional(raw1[15:], 15):
        for optional2 in _optional(tail2[:-1], 11):
            l1 = raw1[:5] + number + _digits(raw1[14]) + optional1
            l2 = head2 + optional2 + composite
            if check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]) == l2[29:30]:
                cognome, nome = _names(l3)
                return MrzData(
                    "TD1",
                    code,
                    country,
                    number.rstrip("<"),
                    _date(birth, future=False),
                    head2[7] if head2[7] in "MF" else None,
                    _date(expiry, future=True),
                    cognome,
                    nome,
                    (l1, l2, _fix_length(l3, 30)),
                )
    return None


def _parse_td3(lines: list[str]) -> MrzData | None:
    l1, raw2 = lines
    number = _number_candidates(raw2[0:9], _digits(raw2[9:10]))
    head = _letters(raw2[10:13]) + _digits(raw2[13:20]) + _letters(raw2[20:21])
    head += _digits(raw2[21:28])
    birth, expiry = head[3:9], head[11:17]
    if number is None or len(head) < 18:
        return None
    if check_digit(birth) != head[9] or check_digit(expiry) != head[17]:
        return None
    tail = raw2[28:]
    composite = _digits(tail[-1:]) if tail else ""
    personal_options = _optional(tail[:-2], 14)
    for personal in personal_options:
        personal_digit = _digits(tail[-2:-1]) if tail[-2:-1] not in ("", "<") else "<"
        for digit in dict.fromkeys((personal_digit, check_digit(personal), "<")):
            l2 = number + _digits(raw2[9]) + head + personal + digit + composite
            if check_digit(l2[0:10] + l2[13:20] + l2[21:43]) != l2[43:44]:
                continue
            start = l1.find(head[0:3], 1, 9)
            cognome, nome = _names(l1[start + 3 :] if start >= 0 else l1[5:])
            return MrzData(
                "TD3",
                _letters(l1[0:2]).replace("<", ""),
                _letters(l1[2:5]),
                number.rstrip("<"),
                _date(birth, future=False),
                head[10] if head[10] in "MF" else None,
                _date(expiry, future=True),
                cognome,
                nome,
                (_fix_length(l1, 44), l2),
            )
    return None


def mrz_like(raw: str, shortest: int = 24) -> str | None:
    """The cleaned line when it looks like an MRZ line (long, mostly MRZ characters, fillers).
    Inside a zone a names' line may be shorter (`shortest` 10): fillers read as fewer `<`."""
    line = clean_line(raw)
    if len(line) < shortest or "<" not in line:
        return None
    return line


def _zones(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Consecutive lines that could form a TD1 (3×~30) or TD3 (2×~44) zone. A TD1 names' line
    may come out short: a run of fillers is often read as fewer `<`."""
    zones: list[tuple[str, list[str]]] = []
    for index in range(len(lines)):
        window = lines[index : index + 3]
        if (
            len(window) == 3
            and all(22 <= len(line) <= 40 for line in window[:2])
            and 10 <= len(window[2]) <= 40
        ):
            zones.append(("TD1", window))
        pair = lines[index : index + 2]
        if len(pair) == 2 and all(36 <= len(line) <= 52 for line in pair):
            zones.append(("TD3", pair))
    return zones


def _name_noise(line: str) -> tuple[int, int]:
    """How much a names' line looks misread: no "<<" after the surname, letters stuck to the
    fillers (a `<` read as K, X, S...)."""
    stuck = len(re.findall(r"[KXSECQ](?=<)|(?<=<)[KXSECQ](?=[KXSECQ<]|$)", line))
    return ("<<" not in line, stuck)


def _looks_like_names(line: str, kind: str) -> bool:
    body = line if kind == "TD1" else line[5:]
    digits = sum(c.isdigit() for c in body)
    return digits <= 2 and sum(c.isalpha() for c in body) >= 4


def read_mrz(*sources: list[str]) -> MrzData | None:
    """The first valid TD1 or TD3 zone among OCR'd lines; several OCR passes of the same zone
    (`sources`) are combined line by line, since each pass misreads different characters."""
    cleaned = [
        [line for line in (mrz_like(raw, 10) for raw in source) if line] for source in sources
    ]
    by_format: dict[str, list[list[str]]] = {"TD1": [], "TD3": []}
    for lines in cleaned:
        for kind, zone in _zones(lines):
            by_format[kind].append(zone)
    for kind, parse in (("TD1", _parse_td1), ("TD3", _parse_td3)):
        zones = by_format[kind][:4]
        if not zones:
            continue
        width = len(zones[0])
        slots = [list(dict.fromkeys(zone[i] for zone in zones)) for i in range(width)]
        # The names' line has no check digit: only lines that look like one (letters, "<<").
        name_slot = 2 if kind == "TD1" else 0
        votes = [line for lines in cleaned for line in lines if _names_vote(line)]
        named = [line for line in slots[name_slot] if _looks_like_names(line, kind)]
        slots[name_slot] = sorted(named, key=_name_noise) or slots[name_slot]
        for combination in itertools.product(*slots):
            found = parse(list(combination))
            if found:
                return _voted_names(found, votes) if kind == "TD1" else found
    return None


def _names_vote(line: str) -> bool:
    """A TD1 names' line as some pass read it, in or out of a complete zone."""
    return "<<" in line and _looks_like_names(line, "TD1")


def _voted_names(found: MrzData, lines: list[str]) -> MrzData:
    """Surname and given names each as most passes read them (each pass misreads different
    fillers as letters); on a tie, the parse's choice (the least noisy line)."""
    readings = [_names(line) for line in lines]
    if len(readings) < 2:
        return found
    chosen = []
    for index, current in enumerate((found.cognome, found.nome)):
        counts = Counter(names[index] for names in readings if names[index])
        best, votes = counts.most_common(1)[0] if counts else (current, 0)
        chosen.append(best if votes >= 2 and votes > counts.get(current, 0) else current)
    if tuple(chosen) == (found.cognome, found.nome):
        return found
    return replace(found, cognome=chosen[0], nome=chosen[1])


def has_mrz_lines(raw_lines: list[str]) -> bool:
    """At least two lines that look like an MRZ, valid or not (the zone is there)."""
    return sum(1 for raw in raw_lines if mrz_like(raw)) >= 2
