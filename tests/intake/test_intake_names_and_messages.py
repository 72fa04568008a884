"""Original names kept as harmless metadata; every Italian text renders from messages.yml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.intake import PURPOSES, safe_name
from bot.intake.messages import catalogue, problem, warning


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("modulo.pdf", "modulo.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\mario\\Desktop\\documento.jpg", "documento.jpg"),
        ("foto\u202egpj.exe", "fotogpj.exe"),
        ("a\x00b\nc\td.pdf", "abcd.pdf"),
        ('<script>"x".pdf', "_script__x_.pdf"),
        ("   ", None),
        ("..", None),
        (None, None),
    ],
)
def test_safe_name_strips_paths_and_control_characters(original, expected):
    assert safe_name(original) == expected


def test_safe_name_is_bounded_and_keeps_the_extension():
    name = safe_name("x" * 1000 + ".pdf")
    assert name is not None and len(name) == 120 and name.endswith(".pdf")


# Placeholders each code is rendered with by the checks.
PARAMS: dict[str, dict[str, object]] = {
    "troppo_grande": {"size_mb": "12", "max_mb": "10"},
    "tipo_non_ammesso": {"tipo": "un'immagine GIF"},
    "troppe_pagine": {"max_pagine": 10},
    "p7m_contenuto_non_ammesso": {"tipo": "un file di testo"},
    "immagine_troppo_grande": {"larghezza": 1, "altezza": 2},
    "immagine_troppo_piccola": {"larghezza": 1, "altezza": 2},
    "campi_vuoti": {"campi": "nome"},
    "dato_diverso": {
        "campo": "il nome",
        "dove": "nel modulo",
        "valore": "A",
        "rispetto": "sul documento d'identità",
        "altro": "B",
    },
    "firmatario_diverso": {"trovato": "A", "dichiarato": "B"},
    "documento_scaduto": {"scadenza": "01/01/2026"},
    "documento_in_scadenza": {"scadenza": "01/01/2027"},
    "documento_illeggibile": {"motivi": "la foto è sfocata"},
    "cf_non_coerente": {"codice_fiscale": "RSSMRA80A01H501U", "dati": "nome"},
    "file_diverso": {"tipo_file": "il modulo di domanda", "atteso": "il retro"},
}


@pytest.mark.parametrize("purpose", PURPOSES)
def test_every_message_renders_for_every_purpose(purpose):
    texts = catalogue()
    for code in texts["problems"]:
        rendered = problem(code, purpose, **PARAMS.get(code, {})).message
        assert "{" not in rendered and rendered.endswith(".")
    for code in texts["warnings"]:
        rendered = warning(code, purpose, **PARAMS.get(code, {})).message
        assert "{" not in rendered and rendered.endswith(".")


def test_every_code_used_in_the_code_exists_in_messages_yml():
    source = "\n".join(p.read_text() for p in Path("bot/intake").glob("*.py"))
    used = set(re.findall(r'(?:refuse|warn|PdfRefused|ImageRefused)\(\s*"([a-z_0-9]+)"', source))
    used |= set(re.findall(r'warning\(\s*"([a-z_0-9]+)"', source))
    defined = set(catalogue()["problems"]) | set(catalogue()["warnings"])
    assert used, "the pattern found no codes"
    assert used <= defined
