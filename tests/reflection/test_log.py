"""Writing, editing and deleting reflections through the pages; the guard on the server; the signal to learning."""

from __future__ import annotations

from sqlalchemy import select, text

from equiptrain import signals
from equiptrain.auditlog.models import AuditEvent
from equiptrain.extensions import db
from equiptrain.reflection.models import ReflectiveEntry
from tests.reflection.helpers import SECRET, make_entry, make_module

GIBBS = {
    "title": "Review meeting",
    "description": "We reviewed the plan together.",
    "feelings": "Nervous.",
    "evaluation": "",
    "analysis": "",
    "conclusion": "",
    "action_plan": "Ask first.",
}


def _entries(user):
    return db.session.scalars(select(ReflectiveEntry).where(ReflectiveEntry.author_id == user.id)).all()


def test_choose_a_template_then_write_a_clean_entry(client, login, build):
    user = build.user()
    login(user)
    response = client.get("/reflection/new?template=gibbs&module=nope")
    assert response.status_code == 302 and response.headers["Location"].startswith("/reflection/new/gibbs")
    page = client.get("/reflection/new/gibbs").get_data(as_text=True)
    assert "Feelings: what were you thinking and feeling?" in page
    response = client.post("/reflection/new/gibbs", data={**GIBBS, "module_id": ""})
    assert response.status_code == 302
    [entry] = _entries(user)
    assert entry.template == "gibbs" and entry.fields["feelings"] == "Nervous."
    assert entry.guard_outcome == "clean" and entry.guard_matches == 0
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "We reviewed the plan together." in page and "Private: only you can read it." in page


def test_the_guard_stops_the_save_marks_the_match_then_a_fix_saves_clean(client, login, build):
    user = build.user()
    login(user)
    data = {**GIBBS, "description": "Mr X (NHS 943 476 5919) and I reviewed the plan.", "module_id": ""}
    response = client.post("/reflection/new/gibbs", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and _entries(user) == []
    assert '<mark class="et-guard-match">943 476 5919' in page
    assert "may contain details that identify someone" in page and "I have checked the marked details" in page
    data["description"] = "Mr X and I reviewed the plan."
    assert client.post("/reflection/new/gibbs", data=data).status_code == 302
    assert _entries(user)[0].guard_outcome == "clean"


def test_confirming_saves_with_the_outcome_recorded(client, login, build):
    user = build.user()
    login(user)
    data = {
        **GIBBS,
        "description": "I rang the crisis line on 0800 123 4567 with her.",
        "module_id": "",
        "confirm_no_identifiers": "y",
    }
    assert client.post("/reflection/new/gibbs", data=data).status_code == 302
    [entry] = _entries(user)
    assert entry.guard_outcome == "confirmed" and entry.guard_matches == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reflection.guard_confirmed"))
    assert event.details == {"matches": 1, "kinds": ["phone"]} and "0800" not in str(event.details)


def test_the_guard_checks_the_title_too(client, login, build):
    user = build.user()
    login(user)
    response = client.post("/reflection/new/free", data={"title": "Visit to M13 9PL", "text": "Fine.", "module_id": ""})
    assert response.status_code == 200 and _entries(user) == []


def test_an_entry_started_from_a_module_prompt_links_and_tells_learning(client, login, build):
    user = build.user()
    module = make_module()
    heard = []

    def receiver(sender, **kw):
        heard.append((sender, kw))

    signals.reflection_written.connect(receiver)
    try:
        login(user)
        page = client.get(f"/reflection/new/what?module={module.slug}&prompt=power&unit={module.units[0].id}")
        assert "What powers come with your role?" in page.get_data(as_text=True)
        response = client.post(
            "/reflection/new/what",
            data={
                "title": "Power",
                "what": "A review.",
                "module_id": str(module.id),
                "prompt_slug": "power",
                "unit_id": str(module.units[0].id),
            },
        )
        assert response.status_code == 302
    finally:
        signals.reflection_written.disconnect(receiver)
    [entry] = _entries(user)
    assert entry.module_id == module.id and entry.unit_id == module.units[0].id and entry.prompt_slug == "power"
    assert heard and heard[0][0] is user and heard[0][1]["module_slug"] == module.slug
    assert heard[0][1]["entry_id"] == entry.id


def test_a_unit_from_another_module_is_refused(client, login, build):
    user = build.user()
    one, two = make_module(), make_module()
    login(user)
    response = client.post(
        "/reflection/new/free",
        data={"title": "t", "text": "x", "module_id": str(one.id), "unit_id": str(two.units[0].id)},
    )
    assert response.status_code == 200 and "not part of the chosen module" in response.get_data(as_text=True)


def test_nmc_template_records_code_themes(client, login, build):
    user = build.user()
    login(user)
    response = client.post(
        "/reflection/new/nmc",
        data={
            "title": "Account",
            "nature": "A workshop.",
            "learned": "Listening.",
            "changed": "I ask first.",
            "code_themes": ["prioritise-people", "preserve-safety"],
            "module_id": "",
        },
    )
    assert response.status_code == 302
    [entry] = _entries(user)
    assert entry.fields["code_themes"] == ["prioritise-people", "preserve-safety"]


def test_empty_entries_are_refused_with_a_message(client, login, build):
    user = build.user()
    login(user)
    response = client.post("/reflection/new/gibbs", data={"title": "Empty", "module_id": ""})
    assert response.status_code == 200 and "Write something in at least one part" in response.get_data(as_text=True)


def test_edit_shows_last_edited_and_reruns_the_guard(client, login, build):
    user = build.user()
    entry = make_entry(user, "free")
    login(user)
    form = {"title": entry.title, "text": "Now with j.doe@example.org", "module_id": ""}
    assert client.post(f"/reflection/{entry.id}/edit", data=form).status_code == 200
    db.session.refresh(entry)
    assert entry.fields["text"] == SECRET and entry.edited_at is None
    form["text"] = "Edited text."
    assert client.post(f"/reflection/{entry.id}/edit", data=form).status_code == 302
    db.session.refresh(entry)
    assert entry.fields["text"] == "Edited text." and entry.edited_at is not None
    assert "last edited" in client.get(f"/reflection/{entry.id}").get_data(as_text=True)


def test_delete_removes_the_text_from_the_database(client, login, build, people):
    entry = make_entry(people["author"], shared_with=people["supervisor"])
    login(people["author"])
    assert client.post(f"/reflection/{entry.id}/delete").status_code == 302
    assert db.session.get(ReflectiveEntry, entry.id) is None
    for table in ("reflective_entries", "reflection_shares", "audit_events"):
        rows = db.session.execute(text(f"SELECT * FROM {table}")).all()
        assert SECRET not in str(rows)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reflection.deleted")) is not None


def test_unknown_template_is_404(client, login, build):
    login(build.user())
    assert client.get("/reflection/new/sonnet").status_code == 404
