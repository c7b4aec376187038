"""Versioned URLs for our static files, and the file names of the installed NHS.UK frontend."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, current_app, url_for

# Content hashes of our static files, per app: the files change only when the app is deployed afresh.
_VERSIONS = "equiptrain.static_versions"


def _file_version(filename: str) -> str:
    versions: dict[str, str] = current_app.extensions[_VERSIONS]
    version = versions.get(filename)
    if version is None:
        try:
            data = (Path(current_app.static_folder or "") / filename).read_bytes()
            version = hashlib.sha256(data).hexdigest()[:10]
        except OSError:
            version = "0"
        versions[filename] = version
    return version


def static_url(filename: str) -> str:
    """Our static files, with a content hash so they can be cached for a year."""
    return url_for("static", filename=filename, v=_file_version(filename))


def init_app(app: Flask) -> None:
    app.extensions[_VERSIONS] = {}
    app.jinja_env.globals["static_url"] = static_url
    # The versioned file names of the installed NHS.UK frontend (they change when the package is upgraded).
    frontend = Path(app.config["NHSUK_FRONTEND_DIR"])
    css = sorted(frontend.glob("nhsuk-frontend-[0-9]*.min.css"))
    js = sorted(frontend.glob("nhsuk-frontend-[0-9]*.min.js"))
    if not css or not js:
        app.logger.warning("NHS.UK frontend not found in %s: run `npm install` (see README)", frontend)
    app.jinja_env.globals["nhsuk_css"] = css[-1].name if css else "nhsuk-frontend.min.css"
    app.jinja_env.globals["nhsuk_js"] = js[-1].name if js else "nhsuk-frontend.min.js"
