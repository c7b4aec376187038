"""Every certificate the shipped course defines fits its pages with a long name and several workshops: one A4 page
for one or two modules, two when it lists more (the outcomes on a page of their own), and nothing printed smaller
than reading size."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from equiptrain.certificates import pdf
from equiptrain.certificates.models import Certificate
from equiptrain.content.loader import load_course

COURSE = load_course(Path(__file__).resolve().parents[2] / "course_content")
WORKSHOPS = [
    {
        "title": f"EQUIP day {n}: involving people in care planning, {n} of 3",
        "date": "2026-10-0" + str(n),
        "kind": "Core workshop",
        "trainers": ["Dr Nia Evans (professional trainer)", "a service-user trainer", "Margaret Doyle (carer trainer)"],
    }
    for n in (1, 2, 3)
]


@pytest.mark.parametrize("rule", COURSE.programme.certificates, ids=lambda r: r.slug)
def test_each_shipped_certificate_fits_its_pages_at_reading_size(app, rule):
    modules = {m.slug: m for m in COURSE.modules}
    claim = {
        "name": "Gwenllian Angharad ap Dafydd-Łukaszewska Ŵŷn",
        "profession": "Occupational therapist",
        "achievement": rule.slug,
        "title": rule.title,
        "description": rule.description,
        "modules": [{"slug": s, "title": modules[s].title, "outcomes": modules[s].outcomes} for s in rule.modules],
        "hours": {"individual": 12.5, "participatory": 21.0},
        "completed_on": "2026-11-01",
        "workshops": WORKSHOPS,
        "issuer": {"key": "1", "name": "Northbridge Mental Health NHS Foundation Trust"},
    }
    cert = Certificate(
        code="ABCDEFGHJKMNPQRSTVWXYZ012345",
        claim=claim,
        achievement=rule.slug,
        issued_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
    )
    with app.test_request_context():
        reader = PdfReader(io.BytesIO(pdf.certificate_pdf(cert)))
    many = len(rule.modules) > 2
    assert len(reader.pages) == (2 if many else 1)
    first = " ".join(reader.pages[0].extract_text().split())
    assert "Gwenllian" in first and "ABCD-EFGH" in first  # the name and the code on the page people look at
    assert all(m["title"] in first for m in claim["modules"])
    last = " ".join(reader.pages[-1].extract_text().split())
    last_outcome = claim["modules"][-1]["outcomes"][-1]
    assert " ".join(last_outcome.split()[-3:]) in last
    sizes = []
    for page in reader.pages:
        page.extract_text(
            visitor_text=lambda text, cm, tm, font, size: (
                sizes.append(size * abs(tm[3]) * abs(cm[3])) if text.strip() else None
            )
        )
    assert min(sizes) >= 8.4  # points: the smallest text on the certificate (it was 6.6 for the outcomes)
