"""Chat Italian maps to the words the model knows."""

from __future__ import annotations

import pytest

from bot.nlu.normalise import lemma, normalise_token


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("nn", "non"),
        ("NN", "non"),
        ("x", "per"),
        ("cmq", "comunque"),
        ("ke", "che"),
        ("perchè", "perche"),
        ("xké", "perche"),
        ("siiiii", "si"),
        ("nooo", "no"),
        ("TS-CNS", "tscns"),
    ],
)
def test_chat_forms_are_normalised(typed: str, expected: str) -> None:
    assert normalise_token(typed) == expected


def test_inflections_share_a_stem() -> None:
    assert lemma("registrato") == lemma("registrata") == lemma("Registrati")


def test_accents_do_not_matter() -> None:
    assert lemma("identità") == lemma("identita")
