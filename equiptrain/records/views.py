"""Administrators' pages for the trust's records: staff sync, team mapping, the competence export, xAPI."""

from __future__ import annotations

from flask import Blueprint

from equiptrain.records import models as _models  # noqa: F401

bp = Blueprint("records", __name__, url_prefix="/admin/records")
