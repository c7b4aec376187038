"""The core days on a core workshop's page, and the printable facilitator pack built from them."""

from __future__ import annotations

import io

from pypdf import PdfReader

from equiptrain.workshops.models import WorkshopKind
from tests.workshops.helpers import make_core_day, make_workshop


def test_a_core_workshop_shows_each_days_agenda_and_who_leads(build, client, login):
    w = make_workshop(build, teams=[build.team()])
    make_core_day(w.modules[0])
    login(w.facilitators[0].user)
    page = client.get(f"/workshops/{w.id}").get_data(as_text=True)
    assert "The core days" in page and "Core day 1: listening first" in page
    assert "Lived-experience trainer" in page and "Lived-experience and professional trainer together" in page
    assert "Materials: Printed packs" in page  # facilitators see materials
    assert "facilitator-pack.pdf" in page


def test_an_invited_learner_sees_the_agenda_but_not_the_pack(build, client, login):
    team = build.team()
    learner = build.user("learner", team=team)
    w = make_workshop(build, teams=[team])
    make_core_day(w.modules[0])
    login(learner)
    page = client.get(f"/workshops/{w.id}").get_data(as_text=True)
    assert "Core day 1: listening first" in page
    assert "facilitator-pack.pdf" not in page and "Materials:" not in page
    assert client.get(f"/workshops/{w.id}/facilitator-pack.pdf").status_code == 403


def test_the_pack_holds_the_agenda_notes_and_the_role_play_briefs(build, client, login):
    w = make_workshop(build, teams=[build.team()])
    make_core_day(w.modules[0])
    login(w.facilitators[0].user)
    response = client.get(f"/workshops/{w.id}/facilitator-pack.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Core day 1: listening first" in text and "FACILITATOR-NOTES" in text
    assert "PRACTITIONER-SECRET" in text and "OBSERVER-SECRET" in text and "Asks what the person wants shared" in text


def test_a_supervision_workshop_has_no_core_agenda_or_pack(build, client, login):
    team = build.team()
    core = make_workshop(build, teams=[team])
    make_core_day(core.modules[0])
    sup = make_workshop(build, org=team.organisation, teams=[team], kind=WorkshopKind.SUPERVISION, follow_up_of=core)
    login(sup.facilitators[0].user)
    assert "The core days" not in client.get(f"/workshops/{sup.id}").get_data(as_text=True)
    assert client.get(f"/workshops/{sup.id}/facilitator-pack.pdf").status_code == 404
