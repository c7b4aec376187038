"""Runs ralph's LRS (in .venv-lrs, not the project's environment) on 127.0.0.1:PORT with its file backend.

ralph 5's file backend writes every statement with its default operation, "create", which refuses to write to a
file that exists: the first statement is stored and every later one fails. A learning record store keeps adding
statements, so here the file backend appends. Nothing else of ralph is changed: it still validates every
statement, refuses a different statement under a known id, and answers the statements API as it does.
`ralph runserver` also starts uvicorn with its reloader (a file watcher); uvicorn runs here without it.
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

from ralph.api import app  # noqa: E402  (after the backend is told to append)

uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
