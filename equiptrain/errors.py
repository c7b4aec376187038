"""The error every service raises when a rule refuses a change."""

from __future__ import annotations


class ServiceError(Exception):
    """A rule refused the change; the message says what is wrong and how to fix it."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
