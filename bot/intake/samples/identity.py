"""The invented doctor every sample file belongs to."""

from bot.intake.model import DeclaredIdentity

NOME = "Mario"
COGNOME = "Rossi"
CODICE_FISCALE = "RSSMRA80A01H501U"
DOCTOR = DeclaredIdentity(nome=NOME, cognome=COGNOME, codice_fiscale=CODICE_FISCALE)


def doctor_person():  # type: ignore[no-untyped-def]
    """The sample doctor as the holder of a CIE (FAC-SIMILE), for ID pictures."""
    from datetime import date

    from bot.intake.samples.people import Person

    return Person(
        NOME,
        COGNOME,
        "M",
        date(1980, 1, 1),
        "Roma",
        "RM",
        "H501",
        "CA48213MR",
        date(2022, 1, 10),
        date(2032, 1, 1),
        "ROMA",
    )
