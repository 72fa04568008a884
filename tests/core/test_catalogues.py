"""One contract over every catalogue of texts (bot/texts.py): what holds for all of them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.texts import CATALOGUES, PLACEHOLDER, TextError, catalogue, fill, placeholders

BOT = Path(__file__).resolve().parents[2] / "bot"
# YAML files under bot/ that hold data or configuration, not texts shown to anyone.
NOT_TEXTS = {
    BOT / "tickets" / "cap_province.yml",
    BOT / "bench" / "rasa_default_config.yml",
    BOT / "bench" / "config_e5.yml",
}
# A brace pair with no quote inside: a JSON button payload has quotes, a placeholder has none.
BRACED = re.compile(r"\{[^{}\"]*\}")


def leaves(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaves(value, f"{where}[{index}]")
    elif isinstance(node, str):
        yield where, node


def test_every_yaml_file_of_texts_is_a_catalogue() -> None:
    listed = {path.resolve() for path in CATALOGUES.values()}
    found = {
        path.resolve()
        for path in BOT.rglob("*.yml")
        if "node_modules" not in path.parts and path.resolve() not in NOT_TEXTS
    }
    assert found - listed == set(), "a text file is read outside bot/texts.py's catalogues"
    assert listed <= found


@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_every_text_follows_the_placeholder_rule(name: str) -> None:
    texts = list(leaves(dict(catalogue(CATALOGUES[name]).data)))
    assert texts, f"{name} has no texts"
    for where, text in texts:
        assert text.strip(), f"{name}: {where} is empty"
        for braced in BRACED.findall(text):
            assert PLACEHOLDER.fullmatch(braced), f"{name}: {where} has {braced!r}"
        values = {key: f"<{key}>" for key in placeholders(text)}
        assert PLACEHOLDER.search(fill(text, values)) is None


def test_a_placeholder_without_a_value_is_an_error() -> None:
    with pytest.raises(TextError):
        fill("Richiesta {numero} ricevuta", {})
    assert fill('Valuti /rate{"valutazione":"up"} {n}', {"n": 1}) == (
        'Valuti /rate{"valutazione":"up"} 1'
    )


def test_a_missing_key_is_an_error_not_an_empty_text() -> None:
    with pytest.raises(TextError):
        catalogue(CATALOGUES["web"]).text("non_esiste")


def test_the_categorisation_is_written_once() -> None:
    """What the doctor is told to choose in InailRisponde is what every request carries."""
    own = catalogue(CATALOGUES["richieste"]).data
    for field in ("categoria", "sottocategoria", "oggetto"):
        value = " ".join(str(own[field]).split())
        for name, path in CATALOGUES.items():
            if name == "richieste":
                continue
            for where, text in leaves(dict(catalogue(path).data)):
                assert value not in " ".join(text.split()), f"{name}: {where} repeats {field}"


def test_the_assistant_says_the_categorisation_of_the_tickets() -> None:
    from bot.dialogue.content import get_content
    from bot.tickets.texts import ticket_texts

    content = get_content()
    said = content.render(str(content.section("answers", "ask_categorisation", "A")[0]))
    assert f"«{ticket_texts().categoria}»" in said
    assert f"«{ticket_texts().oggetto}»" in said
