"""The anonymisation guard's name detection (added for care-plan audit excerpts; reflections get it too)."""

import pytest

from equiptrain.reflection import guard


@pytest.mark.parametrize(
    "text, found",
    [
        ("Mrs Okafor wants to go back to work", "Mrs Okafor"),
        ("Reviewed with Dr. A. Patel", "Dr. A. Patel"),
        ("her son, called Daniel, visits daily", "Daniel"),
        ("she is known as Jo on the ward", "Jo"),
        ("my name is Bernadette", "Bernadette"),
    ],
)
def test_names_are_found(text, found):
    assert [(m.kind, m.text) for m in guard.check(text)] == [("name", found)]


@pytest.mark.parametrize(
    "text",
    [
        "Mr X and I reviewed the plan",  # an initial is how people anonymise
        "a group called The Hub meets on Tuesdays",
        '"I want my sister at the review" in her own words',
        "Risk narrative agreed with the person and their carer",
    ],
)
def test_anonymised_text_passes(text):
    assert guard.check(text) == []
