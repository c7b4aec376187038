"""Printable downloads: each unit and each role play's pack as a tagged PDF whose text can be read back."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.learning.helpers import complete


def _read(response) -> tuple[PdfReader, str]:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_a_unit_downloads_as_a_tagged_pdf_with_its_text(course, build, login, client):
    login(build.user())
    response = client.get("/modules/foundations/units/what-involvement-means/printable.pdf")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="equip-foundations-what-involvement-means.pdf"'
    )
    reader, text = _read(response)
    assert "Teaching text about what-involvement-means" in text
    assert "Nobody asked me what mattered to me." in text  # the lived-experience box
    assert "Written by a professional trainer, November 2026." in text
    assert reader.metadata.title == "What involvement means: Foundations of involved care planning (EQUIP)"
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]


def test_a_role_play_pack_has_every_brief_the_checklist_and_the_debrief(course, build, login, client):
    login(build.user())
    reader, text = _read(client.get("/modules/foundations/roleplays/first-meeting/pack.pdf"))
    assert reader.metadata.title == "Role play pack: A first care-planning meeting (EQUIP)"
    for heading in (
        "Practitioner's brief",
        "Service user's brief",
        "Observer's brief",
        "Observer checklist",
        "Debrief",
    ):
        assert heading in text, heading
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert len(reader.pages) >= 4  # the overview, then each brief and the debrief on their own pages


def test_the_pages_link_to_their_downloads(course, build, login, client):
    login(build.user())
    assert (
        "/modules/foundations/units/what-involvement-means/printable.pdf"
        in client.get("/modules/foundations/units/what-involvement-means").text
    )
    assert "/modules/foundations/roleplays/first-meeting/pack.pdf" in client.get("/modules/foundations").text


def test_locked_and_missing_downloads(course, build, login, client):
    learner = build.user()
    login(learner)
    locked = client.get("/modules/listening/units/open-questions/printable.pdf")
    assert locked.status_code == 403 and "Complete Foundations of involved care planning first" in locked.text
    assert client.get("/modules/foundations/units/no-such-unit/printable.pdf").status_code == 404
    # A solo scenario has no pack.
    assert client.get("/modules/foundations/roleplays/review-conversation/pack.pdf").status_code == 404
    complete(learner, "foundations")
    assert client.get("/modules/listening/units/open-questions/printable.pdf").status_code == 200


def test_each_worker_makes_a_pdf_once_until_the_content_changes(app, course, build, login, client, monkeypatch):
    from equiptrain.content.sync import sync_course
    from equiptrain.printables import services
    from tests.content.trees import edit

    app.extensions.pop(services.CACHE_KEY, None)
    made = []
    real = services._pdf
    monkeypatch.setattr(services, "_pdf", lambda html: made.append(html) or real(html))
    login(build.user())
    path = "/modules/foundations/units/what-involvement-means/printable.pdf"
    first = client.get(path).data
    assert client.get(path).data == first and len(made) == 1
    edit(
        course,
        "modules/01-foundations/units/01-what-involvement-means.md",
        "Teaching text about",
        "Reworded teaching about",
    )
    sync_course(course)
    _, text = _read(client.get(path))
    assert len(made) == 2 and "Reworded teaching about" in text
