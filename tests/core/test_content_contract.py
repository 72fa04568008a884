"""The contract other teams rely on: which channel each path's replies name, and never another."""

from __future__ import annotations

import re

import pytest

from bot.dialogue import replies
from bot.dialogue.content import get_content

CHANNEL_OF_PATH = {
    "A": "InailRisponde",
    "B": "Richiedi credenziali dispositive",
    "C": "registrazione-utente-generico",
}
CONTEXTS = [None, "A", "B", "C"]


def _texts(messages: list[replies.Reply]) -> str:
    return "\n".join([m.text for m in messages] + [b.title for m in messages for b in m.buttons])


def _forbidden(path: str | None) -> list[str]:
    """Channels a reply in this context must not name."""
    if path is None:
        return list(CHANNEL_OF_PATH.values())
    if path == "C":
        return [CHANNEL_OF_PATH["A"]]  # C leads on to B's service
    return [name for p, name in CHANNEL_OF_PATH.items() if p != path]


@pytest.mark.parametrize("path", ["A", "B", "C"])
def test_path_explanation_names_its_own_channel(path: str) -> None:
    text = _texts(replies.path_explanation(get_content(), path))
    assert CHANNEL_OF_PATH[path] in text
    for name in _forbidden(path):
        assert name not in text


def test_path_c_registers_then_uses_path_b_service() -> None:
    text = _texts(replies.path_explanation(get_content(), "C"))
    assert text.index("registrazione-utente-generico") < text.index(
        "Richiedi credenziali dispositive"
    )
    assert "e-mail" in text and "link" in text


@pytest.mark.parametrize("path", ["A", "B", "C"])
def test_every_path_gives_module_link_categorisation_and_attachments(path: str) -> None:
    text = _texts(replies.path_explanation(get_content(), path))
    assert "https://www.inail.it/cs/internet/docs/ucm_220206.pdf" in text
    assert "Prestazioni a tutela del lavoratore" in text
    assert "Assistenza Servizi Online" in text
    assert "Registrazione ed autenticazione" in text
    assert "fronte/retro" in text and "firm" in text


@pytest.mark.parametrize("path", ["A", "B", "C"])
def test_path_explanation_is_a_few_short_messages(path: str) -> None:
    messages = replies.path_explanation(get_content(), path, changed=True)
    assert 3 <= len(messages) <= 7
    assert all(len(m.text) <= 400 for m in messages)


@pytest.mark.parametrize("path", CONTEXTS)
@pytest.mark.parametrize("intent", sorted(get_content().section("answers")))
def test_answers_never_name_another_paths_channel(intent: str, path: str | None) -> None:
    text = _texts(replies.answer(get_content(), intent, path))
    for name in _forbidden(path):
        assert name not in text, f"{intent} in context {path} names {name}"


@pytest.mark.parametrize("path", CONTEXTS)
def test_continue_prompt_stays_in_context(path: str | None) -> None:
    text = _texts([replies.continue_prompt(get_content(), path)])
    for name in _forbidden(path):
        assert name not in text
    if path is None:
        assert "credenziali" in text


@pytest.mark.parametrize("key", sorted(get_content().section("clarify")))
def test_clarifying_questions_name_no_channel_and_offer_buttons(key: str) -> None:
    reply, _ = replies.clarification(get_content(), key)
    assert reply.buttons
    for name in CHANNEL_OF_PATH.values():
        assert name not in _texts([reply])


@pytest.mark.parametrize("streak", [1, 2, 3])
def test_fallback_never_explains_a_path(streak: int) -> None:
    ranking = [("has_strong_credentials", 0.4), ("has_spid", 0.3), ("greet", 0.2)]
    text = _texts([replies.fallback(get_content(), streak, ranking)])
    for name in CHANNEL_OF_PATH.values():
        assert name not in text


def test_every_link_is_on_inail_https_and_typo_free() -> None:
    for name, url in get_content().links.items():
        assert re.fullmatch(r"https://www\.inail\.it(/\S*)?", url), name
        assert "inai.it" not in url
        assert url.count("https://") == 1, name


@pytest.mark.parametrize("path", ["A", "B", "C"])
@pytest.mark.parametrize("channel", ["A", "B", "C"])
def test_channel_answers_never_name_another_paths_channel(path: str, channel: str) -> None:
    content = get_content()
    text = content.render(content.section("channel_answers", path, channel))
    for name in _forbidden(path):
        assert name not in text, f"the answer on path {path} about {channel} names {name}"


@pytest.mark.parametrize("path", ["A", "B", "C"])
def test_same_path_and_progress_texts_stay_in_context(path: str) -> None:
    content = get_content()
    reminder = content.render(content.section("paths", path, "reminder"))
    texts = [content.render(content.section("continue", "same_path"), reminder=reminder)]
    if content.has("paths", path, "progressed"):
        texts.append(content.render(content.section("paths", path, "progressed")))
    for name in _forbidden(path):
        assert all(name not in text for text in texts)
