"""Serving the app with gunicorn's threaded worker, run in-process by `equiptrain serve`.

Why gunicorn: it is what production runs already (`gunicorn equiptrain.wsgi:app`), so `make run` behaves as a
real site does; its gthread worker serves many requests at once on threads, keeps connections alive, and its
arbiter restarts a worker that dies. (Waitress would be another dependency doing the same job on one process
without supervision.) Werkzeug's development server is kept for `--debug` only.
"""

from __future__ import annotations

import logging

from gunicorn.app.base import BaseApplication


class EmbeddedServer(BaseApplication):
    """gunicorn around an app object built by the caller (it is loaded in this process, then the worker
    forks: the caller must dispose of its database connections first)."""

    def __init__(self, app, options: dict):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if key in self.cfg.settings:  # settings a gunicorn release does not have are left out
                self.cfg.set(key, value)

    def load(self):
        return self.application


def gunicorn_options(host: str, port: int, workers: int, threads: int) -> dict:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        # A request that takes longer than this is stuck: the arbiter replaces its worker.
        "timeout": 60,
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "equiptrain",
        # gunicorn 23+'s runtime control socket lives in a fixed per-user path: not wanted by an embedded server.
        "control_socket_disable": True,
    }


def quiet(logger_name: str, level: int = logging.WARNING):
    """A context manager that raises one logger's level for a while (e.g. the outbox during the demo load)."""
    from contextlib import contextmanager

    @contextmanager
    def scope():
        logger = logging.getLogger(logger_name)
        before = logger.level
        logger.setLevel(level)
        try:
            yield
        finally:
            logger.setLevel(before)

    return scope()
