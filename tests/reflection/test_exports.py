"""Exports: the PDF revalidation pack (text read back with pypdf) and the subject access JSON download."""

from __future__ import annotations

import datetime as dt
import io
import json

from pypdf import PdfReader

from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.learning.models import ModuleProgress
from equiptrain.reflection import confidence, cpd, exports
from tests.reflection.helpers import SECRET, confidence_items, make_entry, make_module


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_revalidation_pack_has_the_chosen_accounts_as_the_nmc_form_and_the_cpd_log(client, login, people):
    author = people["author"]
    chosen = make_entry(author, "nmc", title="Chosen account")
    left_out = make_entry(author, "nmc", title="Left out", text="Words that are not chosen")
    gibbs = make_entry(author, "gibbs", title="Gibbs one", text="Gibbs words")
    theirs = make_entry(people["other_learner"], "nmc", title="Not yours", text="Someone else's words")
    cpd.add_manual(author, date=dt.date.today(), hours=6, kind="participatory", title="Recovery college course")
    cpd.add_manual(
        author, date=dt.date.today() - dt.timedelta(days=4000), hours=9, kind="individual", title="Too old to count"
    )
    db.session.commit()
    login(author)
    response = client.get(
        "/cpd/revalidation-pack.pdf",
        query_string={"ends": dt.date.today().isoformat(), "entries": [chosen.id, gibbs.id, theirs.id]},
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = " ".join(_pdf_text(response.data).split())
    assert "Reflective accounts form: account 1" in text and "account 2" not in text
    assert "What was the nature of the CPD activity" in text and SECRET in text
    assert "Prioritise people" in text and "I now start reviews with the person's goals." in text
    assert "Recovery college course" in text and "Too old to count" not in text
    for absent in ("Words that are not chosen", "Gibbs words", "Someone else's words"):
        assert absent not in text
    assert left_out.title not in text
    assert "CPD hours 35 6 29" in text  # required, recorded, still needed


def test_pack_form_offers_only_the_authors_nmc_accounts(client, login, people):
    make_entry(people["author"], "nmc", title="An NMC account")
    make_entry(people["author"], "free", title="A free entry")
    make_entry(people["other_learner"], "nmc", title="Someone else's account")
    login(people["author"])
    page = client.get("/cpd/revalidation-pack").get_data(as_text=True)
    assert "An NMC account" in page and "A free entry" not in page and "Someone else" not in page


def test_subject_access_download_holds_everything_about_the_learner(client, login, people):
    author = people["author"]
    module = make_module()
    items = confidence_items()
    entry = make_entry(author, "nmc", module=module, shared_with=people["supervisor"])
    make_entry(people["other_learner"], "free", text="Another person's private words")
    cpd.add_manual(author, date=dt.date(2025, 1, 2), hours=2, kind="individual", title="Reading week")
    confidence.answer(author, module, "before", {i.slug: 2 for i in items})
    db.session.commit()
    login(people["supervisor"])
    client.get(f"/reflection/shared/{entry.id}")
    login(author)
    response = client.get("/reflection/my-data.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)["sections"]
    assert data["account"]["email"] == author.email and "password_hash" not in data["account"]
    assert "session_nonce" not in data["account"]
    joined = data["teams"][0]["joined_at"]
    assert data["teams"] == [{"team": people["team"].name, "role": "member", "joined_at": joined}]
    [mine] = data["reflections"]
    assert mine["fields"]["nature"] == SECRET and mine["shares"][0]["supervisor"] == people["supervisor"].name
    assert [c["title"] for c in data["cpd"]] == ["Reading week"]
    assert data["confidence"][0]["module"] == module.slug and data["confidence"][0]["phase"] == "before"
    actions = {e["action"] for e in data["audit_events"]}
    assert {"reflection.shared", "reflection.read_by_supervisor"} <= actions
    # learning records, read from the learning feature's tables (the entry linked to a module started it)
    assert "learning" in data and any(rows for rows in data["learning"].values())
    assert "Another person's private words" not in response.get_data(as_text=True)


def test_features_can_register_their_own_section(people):
    exports.register_section("test-extra", lambda user: {"user": user.id, "when": dt.date(2025, 1, 1)})
    try:
        data = exports.subject_access(people["author"])
    finally:
        exports.SUBJECT_ACCESS_SECTIONS.pop("test-extra")
    assert data["sections"]["test-extra"] == {"user": people["author"].id, "when": "2025-01-01"}


def test_generic_sections_read_rows_pointing_at_the_person(people):
    module = make_module()
    db.session.add(ModuleProgress(user_id=people["author"].id, module_id=module.id, started_at=utcnow()))
    db.session.add(ModuleProgress(user_id=people["other_learner"].id, module_id=module.id, started_at=utcnow()))
    db.session.commit()
    rows = exports.subject_access(people["author"])["sections"]["learning"]["module_progress"]
    assert [r["user_id"] for r in rows] == [people["author"].id]
