"""Name and codice fiscale: where the form carries them, and whether they match what was declared.

The warnings built here contain personal data: they are returned to the caller only, never logged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from bot.intake.messages import catalogue, field_label, warning
from bot.intake.model import DeclaredIdentity, ExtractedIdentity, Problem, Signer

# Omocodia may turn any digit of a codice fiscale into one of LMNPQRSTUV.
_D = "[0-9LMNPQRSTUV]"
CODICE_FISCALE_RE = re.compile(rf"\b[A-Z]{{6}}{_D}{{2}}[A-EHLMPRST]{_D}{{2}}[A-Z]{_D}{{3}}[A-Z]\b")

_NOME_FIELDS = frozenset({"nome", "name", "firstname", "nomemedico", "nomerichiedente"})
_COGNOME_FIELDS = frozenset({"cognome", "surname", "lastname", "cognomemedico"})
_CF_FIELDS = frozenset({"codicefiscale", "cf", "codfiscale", "codfisc", "fiscalcode", "taxcode"})


def normalise(value: str) -> str:
    """Upper case letters and digits only: "  D'Àngelo " and "DANGELO" compare equal."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if ch.isalnum() and ch.isascii()).upper()


def _field_key(name: str) -> str:
    """A field's last name part, normalised: "Dati.Medico.Cognome_1[0]" -> "cognome"."""
    last = re.sub(r"\[\d+\]$", "", name.rsplit(".", 1)[-1])
    return normalise(last).lower().rstrip("0123456789")


def _identity_attr(field_name: str) -> str | None:
    """Which identity datum a field holds, judged by its name ("medico_cognome" -> cognome)."""
    key = _field_key(field_name)
    if key in _COGNOME_FIELDS or key.endswith("cognome"):
        return "cognome"
    if key in _NOME_FIELDS or key.endswith("nome"):
        return "nome"
    if key in _CF_FIELDS or "codicefiscale" in key:
        return "codice_fiscale"
    return None


def identity_from_fields(fields: Mapping[str, str]) -> ExtractedIdentity | None:
    """Nome, cognome and codice fiscale from filled form fields with the usual names."""
    found: dict[str, str] = {}
    for name, value in fields.items():
        attr = _identity_attr(name)
        if attr and value.strip():
            found.setdefault(attr, value.strip())
    if "codice_fiscale" in found:
        found["codice_fiscale"] = found["codice_fiscale"].upper()
    if not found:
        return None
    return ExtractedIdentity(source="campi", **found)


def codice_fiscale_in_text(text: str) -> str | None:
    """The first codice fiscale written in the text, if any."""
    match = CODICE_FISCALE_RE.search(text.upper())
    return match.group(0) if match else None


def where(source: str) -> str:
    """ "nel modulo", "sul documento d'identità", "nei dati che mi ha indicato"."""
    texts: dict[str, str] = catalogue()["dove"]
    return texts[source]


def identity_warnings(
    found: ExtractedIdentity | None,
    declared: DeclaredIdentity | None,
    signer: Signer | None,
    purpose: str,
) -> list[Problem]:
    """One warning per datum that differs, saying both values."""
    if declared is None:
        return []
    warnings: list[Problem] = []
    if found is not None:
        for attr in ("cognome", "nome", "codice_fiscale"):
            in_file, stated = getattr(found, attr), getattr(declared, attr)
            if in_file and stated and normalise(in_file) != normalise(stated):
                warnings.append(
                    warning(
                        "dato_diverso",
                        purpose,
                        campo=field_label(attr),
                        dove=where("modulo"),
                        valore=in_file.strip().upper(),
                        rispetto=where("dichiarati"),
                        altro=stated.strip().upper(),
                    )
                )
    signer_cf = signer.codice_fiscale if signer else None
    stated_cf = declared.codice_fiscale
    if signer_cf and stated_cf and normalise(signer_cf) != normalise(stated_cf):
        warnings.append(
            warning("firmatario_diverso", purpose, trovato=signer_cf, dichiarato=stated_cf.strip())
        )
    return warnings
