"""The WSGI entry point for production servers: `gunicorn 'equiptrain.wsgi:app'`.

Production defaults (secure cookies, HSTS) apply unless EQUIPTRAIN_PRODUCTION=false says otherwise.
"""

import os

from equiptrain import create_app

os.environ.setdefault("EQUIPTRAIN_PRODUCTION", "true")
app = create_app()
if app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
    # Each worker process would count sign-in failures on its own: with -w 4 the limits would be 4 times looser.
    app.logger.warning(
        "RATELIMIT_STORAGE_URI is memory://: sign-in limits hold per worker process. With more "
        "than one worker or server, set EQUIPTRAIN_RATELIMIT_STORAGE_URI=redis://host:6379/0."
    )
