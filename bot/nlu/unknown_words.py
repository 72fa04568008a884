"""Messages made only of words the assistant has never seen are "not understood".

A statistical classifier always finds a most likely intent, even for "qwfp zxcv": with enough
gibberish in the training data it answers such input as out of scope, and it can never tell a
doctor "I did not understand". This component remembers the training vocabulary (normalised
stems, as the featurizers see them); when no word of a message is known, not even as a close
misspelling, it turns the intent into `nlu_fallback`, as FallbackClassifier does.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

FALLBACK_INTENT = "nlu_fallback"
VOCABULARY_FILE = "vocabulary.json"


def _words(message: Message) -> list[str]:
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    return [t.lemma for t in tokens if any(ch.isalpha() for ch in t.lemma)]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class UnknownWordsFallback(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # How close a word must be to a known one to count as its misspelling (difflib ratio).
        return {"similarity": 0.8}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vocabulary: frozenset[str] = frozenset(),
    ) -> None:
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._vocabulary = vocabulary
        self._sorted = sorted(vocabulary)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UnknownWordsFallback:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        vocabulary = sorted(
            {word for message in training_data.training_examples for word in _words(message)}
        )
        with self._storage.write_to(self._resource) as directory:
            (Path(directory) / VOCABULARY_FILE).write_text(json.dumps(vocabulary))
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> UnknownWordsFallback:
        try:
            with model_storage.read_from(resource) as directory:
                words = json.loads((Path(directory) / VOCABULARY_FILE).read_text())
        except (ValueError, FileNotFoundError):
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, frozenset(words))

    def _known(self, word: str) -> bool:
        if word in self._vocabulary:
            return True
        cutoff = float(self._config["similarity"])
        return bool(difflib.get_close_matches(word, self._sorted, n=1, cutoff=cutoff))

    def process(self, messages: list[Message]) -> list[Message]:
        if not self._vocabulary:
            return messages
        for message in messages:
            words = _words(message)
            if not words or any(self._known(word) for word in words):
                continue
            intent = message.get(INTENT) or {}
            if intent.get("name") == FALLBACK_INTENT:
                continue
            fallback = {"name": FALLBACK_INTENT, "confidence": 1.0}
            message.set(INTENT, fallback, add_to_output=True)
            ranking = message.get(INTENT_RANKING_KEY) or []
            message.set(INTENT_RANKING_KEY, [fallback, *ranking], add_to_output=True)
        return messages
