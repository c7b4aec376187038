"""The content tests are pure Python: no app, no database.

tests/conftest.py wraps every test in a database transaction through an autouse fixture that builds the app;
this same-named fixture replaces it for tests/content only, so these tests run without (and despite) the app.
"""

import pytest


@pytest.fixture(autouse=True)
def _transaction():
    yield
