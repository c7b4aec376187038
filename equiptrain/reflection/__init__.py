"""Reflective practice: the private reflective log, the anonymisation guard, the CPD record, the confidence
self-assessment and the learner's exports (revalidation pack, subject access). The blueprint lives here so the
views can be split over several modules (`views.py` imports them all)."""

from flask import Blueprint

bp = Blueprint("reflection", __name__)
