"""Versioned URLs for our static files, and the file names of the installed NHS.UK frontend."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote

from flask import Flask, current_app, has_request_context, request

# Our static files' addresses with their content hashes, per app: the files change only when the app is deployed
# afresh, so each file is read and hashed once.
_VERSIONS = "equiptrain.static_versions"


def _file_version(filename: str) -> str:
    try:
        data = (Path(current_app.static_folder or "") / filename).read_bytes()
        return hashlib.sha256(data).hexdigest()[:10]
    except OSError:
        return "0"


def static_url(filename: str) -> str:
    """Our static files, with a content hash so they can be cached for a year. The address is the static folder's
    path and the file's name (what `url_for("static", ...)` gives), written out once per file rather than built
    through the URL map twice on every page."""
    paths: dict[str, str] = current_app.extensions[_VERSIONS]
    path = paths.get(filename)
    if path is None:
        path = paths[filename] = f"{current_app.static_url_path}/{quote(filename)}?v={_file_version(filename)}"
    return (request.script_root if has_request_context() else "") + path


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
