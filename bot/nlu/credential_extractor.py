"""Rasa component: the credentials a message names, as `credenziale` entities with a role.

A thin adapter over `bot.nlu.credentials.find_mentions`: each mention becomes an entity
`{"entity": "credenziale", "value": <kind>, "role": <polarity>}` ("ha", "non_ha", "incerto",
"chiede", "da_fare"). The dialogue (bot.dialogue.paths) decides the procedure from them.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_ROLE,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.credentials import find_mentions

ENTITY = "credenziale"
EXTRACTOR_NAME = "CredentialExtractor"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class CredentialExtractor(GraphComponent, EntityExtractorMixin):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CredentialExtractor:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            found = [
                {
                    ENTITY_ATTRIBUTE_TYPE: ENTITY,
                    ENTITY_ATTRIBUTE_VALUE: mention.kind,
                    ENTITY_ATTRIBUTE_ROLE: mention.polarity,
                    ENTITY_ATTRIBUTE_START: mention.start,
                    ENTITY_ATTRIBUTE_END: mention.end,
                    EXTRACTOR: EXTRACTOR_NAME,
                }
                for mention in find_mentions(text)
            ]
            if found:
                others = [
                    e for e in message.get(ENTITIES, []) if e.get(ENTITY_ATTRIBUTE_TYPE) != ENTITY
                ]
                message.set(ENTITIES, others + found, add_to_output=True)
        return messages
