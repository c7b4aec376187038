"""Serving the NHS.UK frontend's compiled files, installed by npm, from this host with long cache lifetimes."""

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

from equiptrain.authz import allow_guests

bp = Blueprint("assets", __name__)
allow_guests({"assets.nhsuk_asset": None, "assets.nhsuk_vendor": None})


def _frontend_dir() -> Path:
    return Path(current_app.config["NHSUK_FRONTEND_DIR"])


@bp.route("/assets/<path:filename>")
def nhsuk_asset(filename: str):
    """Images and icons; the NHS.UK stylesheet refers to them under /assets/."""
    return send_from_directory(_frontend_dir() / "assets", filename, max_age=31536000)


@bp.route("/vendor/nhsuk/<filename>")
def nhsuk_vendor(filename: str):
    if not (filename.startswith("nhsuk-frontend") and filename.endswith((".css", ".js", ".map"))):
        abort(404)
    versioned = any(ch.isdigit() for ch in filename)  # e.g. nhsuk-frontend-10.6.1.min.css
    return send_from_directory(_frontend_dir(), filename, max_age=31536000 if versioned else 3600)
