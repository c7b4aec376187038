"""The WSGI entry point for production servers: `gunicorn 'equiptrain.wsgi:app'`.

Production defaults (secure cookies, HSTS) apply unless EQUIPTRAIN_PRODUCTION=false says otherwise.
"""
import os

from equiptrain import create_app

os.environ.setdefault("EQUIPTRAIN_PRODUCTION", "true")
app = create_app()
