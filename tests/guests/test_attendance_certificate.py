"""Guests (GPs, advocates) get a certificate of attendance with CPD hours once the register is signed off."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from equiptrain.extensions import db
from equiptrain.workshops import attendance
from equiptrain.workshops.models import AttendanceStatus
from tests.guests.helpers import make_guest
from tests.workshops.helpers import make_workshop


def _workshop(build):
    team = build.team()
    people = [build.user("learner", team=team) for _ in range(2)]
    w = make_workshop(build, teams=[team], starts_in=dt.timedelta(hours=-1))
    return w, people


def test_a_guest_who_came_downloads_a_certificate_with_cpd_hours(build, client, login):
    w, people = _workshop(build)
    facilitator = w.facilitators[0].user
    guest = make_guest(w, facilitator, role="GP, Riverside Surgery")
    attendance.mark(facilitator, w, {p.id: AttendanceStatus.PRESENT for p in [*people, guest]})
    attendance.sign_off(facilitator, w)
    db.session.commit()
    login(guest)
    page = client.get(f"/workshops/{w.id}").get_data(as_text=True)
    assert "certificate of attendance" in page and "CPD hours" in page
    response = client.get(f"/workshops/{w.id}/attendance-certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    assert guest.name in text and "GP, Riverside Surgery" in text and w.title in text
    assert f"{w.session_cpd_hours(w.sessions[0]):.1f} hours of participatory learning" in text


def test_no_certificate_before_sign_off_or_without_attending(build, client, login):
    w, people = _workshop(build)
    facilitator = w.facilitators[0].user
    came, stayed_away = make_guest(w, facilitator), make_guest(w, facilitator)
    attendance.mark(facilitator, w, {came.id: AttendanceStatus.PRESENT, stayed_away.id: AttendanceStatus.ABSENT})
    db.session.commit()
    login(came)
    assert client.get(f"/workshops/{w.id}/attendance-certificate.pdf").status_code == 404  # not signed off yet
    attendance.sign_off(facilitator, w)
    db.session.commit()
    assert client.get(f"/workshops/{w.id}/attendance-certificate.pdf").status_code == 200
    login(stayed_away)
    assert client.get(f"/workshops/{w.id}/attendance-certificate.pdf").status_code == 404
    assert "certificate of attendance" not in client.get(f"/workshops/{w.id}").get_data(as_text=True)


def test_a_guest_cannot_open_another_workshops_certificate(build, client, login):
    w, _ = _workshop(build)
    other, _ = _workshop(build)
    guest = make_guest(w, w.facilitators[0].user)
    login(guest)
    assert client.get(f"/workshops/{other.id}/attendance-certificate.pdf").status_code == 403


def test_staff_get_their_own_certificates_not_this_one(build, client, login):
    w, people = _workshop(build)
    login(people[0])
    assert client.get(f"/workshops/{w.id}/attendance-certificate.pdf").status_code == 403
