"""Certificates drawn once: the PDF is made after the issuing transaction commits, stored, and every download
serves those bytes with an ETag (304 when unchanged); a reissue has a PDF of its own."""

from __future__ import annotations

from sqlalchemy import func, select

from equiptrain.certificates import pdf, services
from equiptrain.certificates.models import CertificatePdf
from equiptrain.extensions import db
from equiptrain.jobs import queue as job_queue
from tests.certificates.helpers import FOUNDATIONS, certificates_of, complete_modules, set_rules


def test_issuing_draws_the_pdf_once_and_downloads_serve_it(app, client, login, course, build, monkeypatch):
    monkeypatch.setitem(app.config, "CERTIFICATE_PDF_ON_ISSUE", True)
    set_rules(FOUNDATIONS)
    org = build.org("Northbridge Trust")
    admin = build.user("admin", org=org)
    learner = build.user(team=build.team(org))
    complete_modules(learner, "foundations")  # commits: the drawing task is queued after the commit
    [cert] = certificates_of(learner)
    background = job_queue.jobs(app)
    assert background.run_pending() >= 1
    stored = db.session.get(CertificatePdf, cert.id)
    assert stored is not None and stored.data.startswith(b"%PDF-")

    drawn = []
    original = pdf.certificate_pdf
    monkeypatch.setattr(pdf, "certificate_pdf", lambda c: drawn.append(c.id) or original(c))
    login(learner)
    first = client.get(f"/certificates/{cert.id}.pdf")
    assert first.status_code == 200 and first.data == stored.data and drawn == []
    assert first.headers["ETag"] == f'"{stored.etag}"' and "private" in first.headers["Cache-Control"]
    again = client.get(f"/certificates/{cert.id}.pdf", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""

    new = services.reissue(admin, cert, "name corrected")
    db.session.commit()
    background.run_pending()
    assert db.session.get(CertificatePdf, new.id) is not None
    assert db.session.get(CertificatePdf, new.id).etag != stored.etag  # a new code, a new document
    assert db.session.scalar(select(func.count()).select_from(CertificatePdf)) == 2


def test_a_certificate_without_a_stored_pdf_is_drawn_on_first_download_and_kept(client, login, course, build):
    set_rules(FOUNDATIONS)
    learner = build.user(team=build.team(build.org("Eastgate Trust")))
    complete_modules(learner, "foundations")
    [cert] = certificates_of(learner)
    assert db.session.get(CertificatePdf, cert.id) is None  # drawing on issue is off in the tests' settings
    login(learner)
    response = client.get(f"/certificates/{cert.id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    db.session.expire_all()
    kept = db.session.get(CertificatePdf, cert.id)
    assert kept is not None and kept.data == response.data
