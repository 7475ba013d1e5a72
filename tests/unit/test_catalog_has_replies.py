"""Every intent the engine can return has an answer in every locale: the catalogue (intents/)
and the templates (replies/) are edited separately, so this keeps them in step."""

import pytest

from intents import IntentEngine
from replies.render import Replies
from shop.policy import load_policy

ENGINE = IntentEngine.load()
REPLIES = Replies(load_policy())


@pytest.mark.parametrize("intent", sorted(i.id for i in ENGINE.catalog.intents))
@pytest.mark.parametrize("locale", REPLIES.locales)
def test_every_catalogue_intent_has_an_answer(intent, locale):
    answer = REPLIES.answer(intent, locale)
    assert answer.strip()
    assert "{" not in answer, "an unfilled placeholder"
