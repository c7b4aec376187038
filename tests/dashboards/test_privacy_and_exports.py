"""Privacy: no reflective text on any dashboard page or download, and no confidence figure for fewer than
MIN_GROUP_SIZE people. Downloads parse back."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from equiptrain.dashboards.models import MandatoryModule, TrainingRequirements
from equiptrain.extensions import db
from tests.dashboards import helpers
from tests.reflection.helpers import confidence_items, make_entry

SENTENCE = "Zebra-striped umbrellas reminded me how Rhiannon felt unheard at the review"
TITLE = "Quixotic lighthouse evening"


def _every_response(client, w, organisation: bool = True) -> dict[str, bytes]:
    team, person = w["team"].id, w["never"].id
    urls = [
        "/",
        "/dashboards",
        f"/dashboards/teams/{team}",
        f"/dashboards/teams/{team}?sort=entries&dir=desc",
        f"/dashboards/teams/{team}/people/{person}",
        f"/dashboards/teams/{team}/people/{w['done'].id}",
        f"/dashboards/teams/{team}/export.csv",
        f"/dashboards/teams/{team}/export.xlsx",
        "/dashboards/organisation",
        "/dashboards/organisation?sort=confidence",
        "/dashboards/organisation/export.csv",
        "/dashboards/organisation/export.xlsx",
        "/dashboards/organisation/compliance.csv",
        "/admin/training",
    ]
    if not organisation:
        urls = [u for u in urls if u.startswith(("/dashboards/teams", "/dashboards?")) or u in ("/", "/dashboards")]
    out = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        out[url] = response.data
    return out


def _text_of(url: str, body: bytes) -> str:
    if url.endswith(".xlsx"):
        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row)
    return body.decode("utf-8-sig")


def test_no_reflective_text_anywhere_and_counts_only(build, client, login, team_world):
    w = team_world
    lead = build.user("programme_lead", org=w["org"])
    lead.is_org_admin = True  # sees the settings page too
    db.session.commit()
    make_entry(w["never"], title=TITLE, text=SENTENCE)
    make_entry(w["never"], template="free", title=TITLE + " again", text=SENTENCE + " twice")
    for who in (w["manager"], w["admin"], lead):
        login(who)
        for url, body in _every_response(client, w, organisation=who is not w["manager"]).items():
            text = _text_of(url, body)
            for secret in (SENTENCE, TITLE, "Zebra-striped", "Quixotic", "umbrellas"):
                assert secret not in text, (url, secret)
    login(w["manager"])
    page = client.get(f"/dashboards/teams/{w['team'].id}/people/{w['never'].id}").get_data(as_text=True)
    assert "Reflective entries" in page and ">2, the latest on" in page


def _answer(w, people, before=2, after=4):
    m1, _ = w["modules"]
    for person in people:
        helpers.confidence(person, m1, before, after)


def test_confidence_hidden_under_the_group_size_and_shown_at_it(build, client, login, team_world, app):
    w = team_world
    confidence_items()
    four = [w["done"], w["midway"], w["never"], w["invited"]]
    _answer(w, four)
    login(w["manager"])
    urls = (f"/dashboards/teams/{w['team'].id}", "/dashboards/organisation")
    page = client.get(urls[0]).get_data(as_text=True)
    assert "Shown once at least 5 people" in page and "+2.0" not in page
    assert "Average confidence for each statement" not in page
    login(w["admin"])
    org_page = client.get(urls[1]).get_data(as_text=True)
    assert "+2.0" not in org_page
    exported = client.get("/dashboards/organisation/export.csv").data.decode("utf-8-sig")
    assert "Fewer than the minimum group size" in exported
    _answer(w, [w["manager"]])
    login(w["manager"])
    page = client.get(urls[0]).get_data(as_text=True)
    assert "5 people answered" in page and "+2.0" in page
    statement = confidence_items()[1].text
    assert statement in page and "Item 2" not in page  # bars and table rows carry the statements
    login(w["admin"])
    assert "+2.0" in client.get(urls[1]).get_data(as_text=True)


def test_exports_parse_back(client, login, team_world, build):
    w = team_world
    sneaky = build.user("learner", team=w["team"], name='=HYPERLINK("http://evil.example")')
    sneaky.employee_number = "+44123"
    w["done"].employee_number = "E1234"
    db.session.commit()
    login(w["manager"])
    response = client.get(f"/dashboards/teams/{w['team'].id}/export.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    by_name = {r["Name"]: r for r in rows}
    assert len(rows) == 6
    assert by_name["Dana Done"]["Status"] == "Complete" and by_name["Dana Done"]["Employee number"] == "E1234"
    assert by_name["Nell Never"]["Overdue"] == "Yes"
    assert (
        '\'=HYPERLINK("http://evil.example")' in by_name
        and by_name['\'=HYPERLINK("http://evil.example")']["Employee number"] == "'+44123"
    )
    m1 = w["modules"][0]
    assert by_name["Milo Midway"][f"{m1.title}: status"] == "Complete"
    xlsx = client.get(f"/dashboards/teams/{w['team'].id}/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Name" and len(values) == 7
    assert all(not str(cell).startswith(("=", "+", "@")) for row in values for cell in row if cell is not None)

    login(w["admin"])
    org_rows = list(
        csv.DictReader(io.StringIO(client.get("/dashboards/organisation/export.csv").data.decode("utf-8-sig")))
    )
    assert [r["Team"] for r in org_rows] == ["Harbour CMHT"] and org_rows[0]["Staff"] == "6"
    compliance = list(
        csv.DictReader(io.StringIO(client.get("/dashboards/organisation/compliance.csv").data.decode("utf-8-sig")))
    )
    dana = [r for r in compliance if r["Employee number"] == "E1234"]
    assert {r["Module or workshop"] for r in dana} == {f"Module: {m.title}" for m in w["modules"]} | {"Core workshop"}
    assert all(r["Expiry date"] > r["Completion date"] for r in dana)  # each module's and the core's 12 months
    assert {r["Expired"] for r in dana} == {"No"}
    db.session.scalar(
        select(TrainingRequirements).where(TrainingRequirements.organisation_id == w["org"].id)
    ).core_expiry_months = None
    for row in db.session.scalars(select(MandatoryModule).where(MandatoryModule.organisation_id == w["org"].id)):
        row.expiry_months = None
    db.session.commit()
    compliance = list(
        csv.DictReader(io.StringIO(client.get("/dashboards/organisation/compliance.csv").data.decode("utf-8-sig")))
    )
    assert all(r["Expiry date"] == "" for r in compliance)
