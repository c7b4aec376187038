import pytest

from tests.learning.helpers import sync_small_course


@pytest.fixture
def course(tmp_path):
    """The small two-module course, synced into the test database; returns its folder."""
    return sync_small_course(tmp_path / "course")
