"""For tests/test_access.py: a staff file awaiting confirmation and a competence export in the world's organisation."""

from __future__ import annotations

from equiptrain.extensions import db
from equiptrain.records import esr, services


def access_world(world: dict) -> dict:
    org, admin = world["org"], world["admin"]
    run = services.start_sync(admin, org, "esr.csv", "Employee Number\n", False)
    export = esr.make_export(admin, org)
    db.session.commit()
    return {"sync_run": run, "esr_export": export}
