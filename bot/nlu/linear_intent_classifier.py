"""A linear intent classifier (TF-IDF + logistic regression) blended with DIET's ranking.

Small training sets favour linear models on word and character n-grams; DIET brings the
context of the whole sentence. Placed after DIETClassifier, this component averages the two
probability distributions and writes the final intent and ranking; FallbackClassifier then
decides, as usual, whether the assistant understood.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.nlu.normalise import lemma, normalise_token

logger = logging.getLogger(__name__)
MODEL_FILE = "linear_intent_classifier.joblib"


def _tokens(text: str) -> list[str]:
    return [t for t in text.split() if t]


def word_view(text: str) -> str:
    """Stems, for word n-grams: "nn ho ricevuto" -> "non ho ricev"."""
    return " ".join(lemma(t) for t in _tokens(text))


def char_view(text: str) -> str:
    """Normalised words, unstemmed, for character n-grams (typos keep most n-grams)."""
    return " ".join(normalise_token(t) for t in _tokens(text))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "C": 10.0,
            "max_iter": 2000,
            "min_ngram_chars": 2,
            "max_ngram_chars": 5,
            # Share of this model in the blend with the previous classifier's ranking.
            "weight": 0.5,
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vectorizers: tuple[TfidfVectorizer, TfidfVectorizer] | None = None,
        model: LogisticRegression | None = None,
    ) -> None:
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._vectorizers = vectorizers
        self._model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    def _features(self, texts: list[str], fit: bool = False) -> Any:
        words, chars = self._vectorizers  # type: ignore[misc]
        word_texts = [word_view(t) for t in texts]
        char_texts = [char_view(t) for t in texts]
        if fit:
            return hstack([words.fit_transform(word_texts), chars.fit_transform(char_texts)])
        return hstack([words.transform(word_texts), chars.transform(char_texts)])

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        if len({m.get(INTENT) for m in examples}) < 2:
            logger.warning("LinearIntentClassifier needs two intents at least; not trained")
            return self._resource
        self._vectorizers = (
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+"),
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(self._config["min_ngram_chars"], self._config["max_ngram_chars"]),
                sublinear_tf=True,
            ),
        )
        features = self._features([m.get(TEXT) for m in examples], fit=True)
        self._model = LogisticRegression(
            C=self._config["C"], max_iter=self._config["max_iter"], class_weight="balanced"
        )
        self._model.fit(features, [m.get(INTENT) for m in examples])
        with self._storage.write_to(self._resource) as directory:
            joblib.dump((self._vectorizers, self._model), Path(directory) / MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                vectorizers, model = joblib.load(Path(directory) / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, vectorizers, model)

    def process(self, messages: list[Message]) -> list[Message]:
        if self._model is None:
            return messages
        texts = [m.get(TEXT) or "" for m in messages]
        probabilities = self._model.predict_proba(self._features(texts))
        labels = list(self._model.classes_)
        weight = float(self._config["weight"])
        for message, linear in zip(messages, probabilities, strict=True):
            blended = self._blend(message, labels, linear, weight)
            order = np.argsort(blended)[::-1][: self._config["ranking_length"]]
            ranking = [{"name": labels[i], "confidence": float(blended[i])} for i in order]
            if not (message.get(TEXT) or "").strip():
                continue  # nothing to classify: leave the message as the pipeline left it
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    @staticmethod
    def _blend(
        message: Message, labels: list[str], linear: np.ndarray, weight: float
    ) -> np.ndarray:
        previous = {r["name"]: r["confidence"] for r in message.get(INTENT_RANKING_KEY) or []}
        if not previous:
            return linear
        other = np.array([previous.get(label, 0.0) for label in labels])
        total = other.sum()
        if total > 0:
            other = other / total
        return weight * linear + (1 - weight) * other
