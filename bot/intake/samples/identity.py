"""The invented doctor every sample file belongs to."""

from bot.intake.model import DeclaredIdentity

NOME = "Mario"
COGNOME = "Rossi"
CODICE_FISCALE = "RSSMRA80A01H501U"
DOCTOR = DeclaredIdentity(nome=NOME, cognome=COGNOME, codice_fiscale=CODICE_FISCALE)
