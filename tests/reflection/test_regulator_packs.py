"""Revalidation packs per regulator: the profession chooses the regulator (NMC, HCPC, Social Work England, GMC,
or none), each pack covers its regulator's period and says what it asks; the person may choose another."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from equiptrain.accounts.models import Profession
from equiptrain.extensions import db
from equiptrain.reflection import cpd, pdf, regulators
from tests.reflection.helpers import SECRET, make_entry


def _text(data: bytes) -> tuple[str, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader.metadata.title, " ".join(" ".join(p.extract_text() for p in reader.pages).split())


@pytest.mark.parametrize(
    ("profession", "key", "title", "starts"),
    [
        (Profession.NURSE, "nmc", "NMC revalidation pack", "2 June 2023"),
        (Profession.OCCUPATIONAL_THERAPIST, "hcpc", "HCPC CPD record and profile evidence", "2 June 2024"),
        (Profession.PSYCHOLOGIST, "hcpc", "HCPC CPD record and profile evidence", "2 June 2024"),
        (Profession.SOCIAL_WORKER, "swe", "Social Work England CPD record", "2 June 2025"),
        (Profession.PSYCHIATRIST, "gmc", "CPD for your medical appraisal (GMC revalidation)", "2 June 2025"),
        (Profession.GP, "gmc", "CPD for your medical appraisal (GMC revalidation)", "2 June 2025"),
        (Profession.SUPPORT_WORKER, "none", "CPD summary", "2 June 2025"),
        (Profession.PEER_SUPPORT_WORKER, "none", "CPD summary", "2 June 2025"),
    ],
)
def test_each_profession_gets_its_regulators_pack(client, login, build, profession, key, title, starts):
    author = build.user("learner", team=build.team(build.org()), profession=profession)
    assert regulators.for_user(author).key == key
    gibbs = make_entry(author, "gibbs", title="Gibbs one", text="Gibbs words about the care plan")
    cpd.add_manual(author, date=dt.date(2026, 5, 20), hours=6, kind="participatory", title="Recovery college course")
    db.session.commit()
    login(author)
    form = client.get("/cpd/revalidation-pack").get_data(as_text=True)
    assert f'<option selected value="{key}">' in form or f'value="{key}" selected' in form
    response = client.get("/cpd/revalidation-pack.pdf", query_string={"ends": "2026-06-01", "entries": [gibbs.id]})
    assert response.status_code == 200
    pdf_title, text = _text(response.data)
    assert pdf_title.startswith(title) and text.startswith(title)
    assert f"Period: {starts} to 1 June 2026" in text and "Recovery college course" in text
    if key == "nmc":  # only NMC reflective accounts go into the NMC pack
        assert "Gibbs words" not in text
    else:
        assert "Gibbs words about the care plan" in text and "Description: what happened?" in text


def test_specific_requirements_are_totalled(client, login, build):
    social_worker = build.user("learner", team=build.team(build.org()), profession=Profession.SOCIAL_WORKER)
    entry = make_entry(social_worker, "what", title="Peer supervision on involvement")
    db.session.commit()
    login(social_worker)
    _, text = _text(client.get("/cpd/revalidation-pack.pdf", query_string={"entries": [entry.id]}).data)
    assert "Pieces of CPD with a written reflection 2 1 1" in text and "peer reflection" in text
    assert SECRET in text


def test_hcpc_pack_shows_gaps_of_three_months(build, app):
    ot = build.user("learner", team=build.team(build.org()), profession=Profession.OCCUPATIONAL_THERAPIST)
    for day in (dt.date(2025, 1, 10), dt.date(2025, 2, 1), dt.date(2025, 9, 1)):
        cpd.add_manual(ot, date=day, hours=2, kind="individual", title=f"Reading {day}")
    db.session.flush()
    starts, ends = pdf.window(regulators.REGULATORS["hcpc"], dt.date(2025, 12, 31))
    assert (starts, ends) == (dt.date(2024, 1, 1), dt.date(2025, 12, 31))
    entries = cpd.entries_in_window(ot, starts, ends)
    assert pdf.gaps(entries, starts, ends) == (
        (dt.date(2024, 1, 1), dt.date(2025, 1, 9)),
        (dt.date(2025, 2, 2), dt.date(2025, 8, 31)),
        (dt.date(2025, 9, 2), dt.date(2025, 12, 31)),
    )


def test_someone_may_choose_another_regulator(client, login, build):
    nurse = build.user("learner", team=build.team(build.org()), profession=Profession.NURSE)
    login(nurse)
    title, _ = _text(client.get("/cpd/revalidation-pack.pdf", query_string={"regulator": "hcpc"}).data)
    assert title.startswith("HCPC")
    title, _ = _text(client.get("/cpd/revalidation-pack.pdf", query_string={"regulator": "bogus"}).data)
    assert title.startswith("NMC")


@pytest.mark.parametrize(
    "query",
    [
        {"entries": ["abc", "-1", "99999999999999999999"]},
        {"ends": "2026-02-31", "regulator": "<script>"},
        {"ends": "x" * 500, "regulator": ["nmc", "gmc"]},
    ],
)
def test_odd_pack_requests_still_make_a_pack(client, login, build, query):
    login(build.user("learner", team=build.team(build.org())))
    assert client.get("/cpd/revalidation-pack", query_string=query).status_code == 200
    response = client.get("/cpd/revalidation-pack.pdf", query_string=query)
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
