"""The demo step puts learners at every stage, through the services, after syncing the shipped course."""

from equiptrain.demo import accounts as accounts_demo
from equiptrain.demo import learning as learning_demo
from equiptrain.learning import services
from tests.learning.helpers import progress


def test_demo_learners_at_every_stage(app, no_course):
    world = {"password": "demo password for tests", "organisation_name": "Demo test trust"}
    accounts_demo.load(world)
    learning_demo.load(world)
    people = world["people"]
    assert progress(people["nurse"], "foundations").completed_at is not None
    listening = progress(people["nurse"], "listening")
    # every page of listening, the learning-disability unit too
    assert listening.units_read == 7 and listening.quiz_passed_at and listening.practice_done_at
    services.record_reflection(people["nurse"], module_slug="listening")  # the reflection demo's entry
    assert progress(people["nurse"], "listening").completed_at is not None
    assert progress(people["social-worker"], "foundations").units_read == 3
    assert progress(people["support-worker"], "foundations") is None
    assert progress(people["ot"], "foundations").completed_at is not None
