"""Invented people for the ID-document samples (FAC-SIMILE): never real persons.

Each person's codice fiscale is computed from the data (so it is valid and consistent), and the
MRZ lines of their documents carry correct ICAO 9303 check digits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from bot.tickets.personal_data import cf_check_character, cf_name_code, cf_surname_code

_MONTH_LETTERS = "ABCDEHLMPRST"


@dataclass(frozen=True)
class Person:
    nome: str
    cognome: str
    sesso: str  # "M" or "F"
    nascita: date
    luogo: str
    provincia: str
    catastale: str  # codice catastale of the birth place
    numero: str  # document number
    rilascio: date
    scadenza: date
    comune: str  # issuing municipality

    @property
    def codice_fiscale(self) -> str:
        day = self.nascita.day + (40 if self.sesso == "F" else 0)
        first = (
            cf_surname_code(self.cognome)
            + cf_name_code(self.nome)
            + f"{self.nascita.year % 100:02d}"
            + _MONTH_LETTERS[self.nascita.month - 1]
            + f"{day:02d}"
            + self.catastale
        )
        return first + cf_check_character(first)

    def with_document(self, numero: str, rilascio: date, scadenza: date) -> Person:
        return replace(self, numero=numero, rilascio=rilascio, scadenza=scadenza)


PEOPLE: tuple[Person, ...] = (
    Person(
        "Giulia",
        "Ferri",
        "F",
        date(1984, 3, 9),
        "Bologna",
        "BO",
        "A944",
        "CB41027GF",
        date(2023, 2, 14),
        date(2033, 3, 9),
        "BOLOGNA",
    ),
    Person(
        "Marco",
        "Bellini",
        "M",
        date(1971, 11, 28),
        "Torino",
        "TO",
        "L219",
        "CD90313MB",
        date(2021, 6, 3),
        date(2031, 11, 28),
        "TORINO",
    ),
    Person(
        "Chiara",
        "Esposito",
        "F",
        date(1990, 7, 1),
        "Napoli",
        "NA",
        "F839",
        "CE22871CE",
        date(2024, 9, 20),
        date(2035, 7, 1),
        "NAPOLI",
    ),
    Person(
        "Pietro",
        "Santoro",
        "M",
        date(1966, 1, 17),
        "Bari",
        "BA",
        "A662",
        "CF55420PS",
        date(2020, 12, 1),
        date(2031, 1, 17),
        "BARI",
    ),
    Person(
        "Elena",
        "Colombo",
        "F",
        date(1978, 5, 30),
        "Como",
        "CO",
        "C933",
        "CG13098EC",
        date(2022, 4, 8),
        date(2032, 5, 30),
        "COMO",
    ),
    Person(
        "Luca",
        "De Luca",
        "M",
        date(1987, 9, 12),
        "Pescara",
        "PE",
        "G482",
        "CH77310LD",
        date(2025, 1, 22),
        date(2036, 9, 12),
        "PESCARA",
    ),
    Person(
        "Francesca",
        "Marino",
        "F",
        date(1975, 12, 4),
        "Palermo",
        "PA",
        "G273",
        "CI60044FM",
        date(2019, 10, 15),
        date(2030, 12, 4),
        "PALERMO",
    ),
    Person(
        "Stefano",
        "Gatti",
        "M",
        date(1982, 2, 23),
        "Firenze",
        "FI",
        "D612",
        "CL38815SG",
        date(2021, 3, 30),
        date(2032, 2, 23),
        "FIRENZE",
    ),
)
