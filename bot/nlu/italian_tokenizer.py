"""A whitespace tokenizer whose tokens carry a normalised Italian lemma.

Offsets and token texts stay as the doctor typed them (entities keep their positions); the
featurizers count the lemma (`use_lemma`, Rasa's default), so "nn", "non" and "NON" are one
feature, and so are "registrato" and "registrazione".
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.normalise import lemma


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class ItalianTokenizer(WhitespaceTokenizer):
    """Whitespace tokens with accent-free, abbreviation-expanded, stemmed lemmas."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**WhitespaceTokenizer.get_default_config(), "stem": True}

    @staticmethod
    def supported_languages() -> list[str] | None:
        return ["it"]

    @staticmethod
    def not_supported_languages() -> list[str] | None:
        return None

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        stem = bool(self._config.get("stem", True))
        for token in tokens:
            token.lemma = lemma(token.text, stem)
        return tokens
