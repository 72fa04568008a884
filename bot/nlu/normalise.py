"""Italian chat text, normalised: what a doctor types mapped to the words the model knows.

Pure functions, no Rasa: the tokenizer uses them for every token's lemma, so the model sees
"non" whether the doctor typed "nn", "non" or "NON", and one stem for "registrato",
"registrata", "registrazione".
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import snowballstemmer

# Chat abbreviations and common misspellings, by the whole (lower-cased, accent-free) token.
ABBREVIATIONS: dict[str, str] = {
    "nn": "non",
    "n": "non",
    "x": "per",
    "xk": "perche",
    "xke": "perche",
    "xche": "perche",
    "pk": "perche",
    "pke": "perche",
    "perke": "perche",
    "ke": "che",
    "k": "che",
    "cmq": "comunque",
    "qlc": "qualche",
    "qlcs": "qualcosa",
    "qls": "qualcosa",
    "qualke": "qualche",
    "tt": "tutto",
    "cn": "con",
    "sn": "sono",
    "nt": "niente",
    "nnt": "niente",
    "gg": "giorni",
    "grz": "grazie",
    "grazi": "grazie",
    "tnx": "grazie",
    "thx": "grazie",
    "dv": "dove",
    "dve": "dove",
    "risp": "risposta",
    "msg": "messaggio",
    "info": "informazioni",
    "cred": "credenziali",
    "credenz": "credenziali",
    "credenziale": "credenziali",
    "pw": "password",
    "pwd": "password",
    "psw": "password",
    "mail": "email",
    "e-mail": "email",
    "emai": "email",
    "ts-cns": "tscns",
    "ts_cns": "tscns",
    "c.n.s": "cns",
    "c.n.s.": "cns",
    "s.p.i.d": "spid",
    "s.p.i.d.": "spid",
    "c.i.e": "cie",
    "c.i.e.": "cie",
    "sii": "si",
    "noo": "no",
    "si'": "si",
    "okay": "ok",
    "okk": "ok",
    "oki": "ok",
    "va": "va",
}

_STEMMER = snowballstemmer.stemmer("italian")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_token(token: str) -> str:
    """Lower-case, accent-free, abbreviation-expanded form of one token."""
    word = strip_accents(token.casefold()).strip("'’`\".,;:!?()[]{}")
    # Letters repeated for emphasis ("siiii", "nooo") collapse to two.
    collapsed: list[str] = []
    for ch in word:
        if len(collapsed) >= 2 and collapsed[-1] == ch and collapsed[-2] == ch:
            continue
        collapsed.append(ch)
    word = "".join(collapsed)
    return ABBREVIATIONS.get(word, word) or token.casefold()


@lru_cache(maxsize=65536)
def lemma(token: str, stem: bool = True) -> str:
    """The form the featurizers count: normalised and, by default, stemmed."""
    word = normalise_token(token)
    if not stem or not word.isalpha():
        return word
    return _STEMMER.stemWord(word)
