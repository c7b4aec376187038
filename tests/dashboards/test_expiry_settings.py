"""Each mandatory module and the core expire on their own number of months: the requirements page sets them (with
clear errors), and the team matrix, a person's page and the compliance export show each one's "expires on"."""

from __future__ import annotations

import csv
import datetime as dt
import io

from sqlalchemy import select

from equiptrain.auditlog.models import AuditEvent
from equiptrain.dashboards import requirements as rules
from equiptrain.dashboards.models import MandatoryModule, TrainingRequirements
from equiptrain.extensions import db


def _post(client, data: dict):
    base = {"deadline": "2027-03-31", "joiner_days": "90"}
    return client.post("/admin/training", data={**base, **data})


def test_the_page_has_a_field_per_module_and_the_core_filled_in(client, login, team_world):
    w = team_world
    m1, m2 = w["modules"]
    login(w["admin"])
    page = client.get("/admin/training").get_data(as_text=True)
    assert "When training expires" in page
    for m in (m1, m2):
        assert f'name="expiry_{m.id}"' in page and 'value="12"' in page
    assert 'name="core_expiry_months"' in page


def test_bad_months_and_an_expiry_on_a_module_not_mandatory_are_clear_errors(client, login, team_world):
    w = team_world
    m1, m2 = w["modules"]
    login(w["admin"])
    for value in ("0", "121", "-3", "abc"):
        response = _post(client, {"modules": [str(m1.id)], f"expiry_{m1.id}": value})
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and "There is a problem" in text
        assert f"{m1.title}: enter a number of months from 1 to 120" in text or "Not a valid integer" in text
    response = _post(client, {"modules": [str(m1.id)], "core_expiry_months": "200"})
    assert "The core workshop: enter a number of months from 1 to 120" in response.get_data(as_text=True)
    response = _post(client, {"modules": [str(m1.id)], f"expiry_{m2.id}": "24"})
    assert f"{m2.title} is not mandatory" in response.get_data(as_text=True)
    db.session.expire_all()
    # Nothing was saved by any of them: both modules still mandatory with 12 months.
    assert rules.load(w["org"].id).module_expiry_months == {m1.id: 12, m2.id: 12}


def test_saved_per_module_and_for_the_core_and_shown_each_with_its_own_date(client, login, team_world):
    w = team_world
    m1, m2 = w["modules"]
    login(w["admin"])
    response = _post(
        client,
        {
            "modules": [str(m1.id), str(m2.id)],
            f"expiry_{m1.id}": "6",
            f"expiry_{m2.id}": "",
            "core_expiry_months": "36",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    rows = dict(
        db.session.execute(
            select(MandatoryModule.module_id, MandatoryModule.expiry_months).where(
                MandatoryModule.organisation_id == w["org"].id
            )
        ).all()
    )
    assert rows == {m1.id: 6, m2.id: None}
    policy = db.session.scalar(select(TrainingRequirements).where(TrainingRequirements.organisation_id == w["org"].id))
    assert policy.core_expiry_months == 36
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "training_policy.saved")).all()[-1]
    assert event.details["module_expiry_months"] == {str(m1.id): 6} and event.details["core_expiry_months"] == 36

    requirements = rules.load(w["org"].id)
    login(w["manager"])
    page = client.get(f"/dashboards/teams/{w['team'].id}").get_data(as_text=True)
    dana = page[page.index("Dana Done") :].split("</tr>")[0]
    assert dana.count("Expires on") == 2  # module 1 (6 months) and the core (36); module 2 does not expire
    person = client.get(f"/dashboards/teams/{w['team'].id}/people/{w['done'].id}").get_data(as_text=True)
    assert person.count("Expires on") == 2

    login(w["admin"])
    export = list(
        csv.DictReader(io.StringIO(client.get("/dashboards/organisation/compliance.csv").data.decode("utf-8-sig")))
    )
    dates = {
        r["Module or workshop"]: (r["Completion date"], r["Expiry date"]) for r in export if r["Name"] == "Dana Done"
    }
    done_on, expires_on = dates[f"Module: {m1.title}"]
    assert expires_on == rules.add_months(dt.date.fromisoformat(done_on), 6).isoformat()
    assert dates[f"Module: {m2.title}"][1] == ""
    core_done, core_expires = dates["Core workshop"]
    assert core_expires == rules.add_months(dt.date.fromisoformat(core_done), 36).isoformat()
    assert requirements.core_expiry_months == 36
