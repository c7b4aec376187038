"""The involvement measure: a round from opening to report, with phone and paper responses; the threshold; no
figure before the round closes; service users and carers apart only when both reach it; no identifying columns;
the stuffing limits; the guard on free text."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, select

from equiptrain.careaudit import measure_services
from equiptrain.careaudit.measure_models import MeasureResponse, MeasureRoundKind, ResponseMode
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from tests.careaudit.measure_helpers import answers, make_instrument, open_round


@pytest.fixture
def world(build):
    org = build.org()
    team = build.team(org, name="Riverside CMHT")
    manager = build.user("manager", team=team)
    admin = build.user("admin", org=org)
    learner = build.user("learner", team=team)
    make_instrument()
    return {"org": org, "team": team, "manager": manager, "admin": admin, "learner": learner}


def _answer(client, token, value, respondent="service_user", **extra):
    data = {
        "respondent": respondent,
        **{f"q_{k.replace('-', '_')}": v for k, v in answers(value, carer=respondent == "carer").items()},
    }
    data.update(extra)
    return client.post(f"/m/{token}", data=data)


def _fresh(app):
    """A new phone: a client with no cookies."""
    return app.test_client()


def test_a_round_from_opening_to_report_with_phone_and_paper(app, client, login, world):
    login(world["manager"])
    page = client.get(f"/care-plan-audit/teams/{world['team'].id}/measure").get_data(as_text=True)
    assert "Open a round" in page and "not validated" in page
    today = measure_services.today()
    response = client.post(
        f"/care-plan-audit/teams/{world['team'].id}/measure",
        data={
            "instrument": str(make_instrument().id),
            "label": "Before the core",
            "kind": "baseline",
            "opens_on": today.isoformat(),
            "closes_on": (today + dt.timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 302
    round_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/care-plan-audit/measure/{round_id}").get_data(as_text=True)
    round_ = db.session.get(measure_services.MeasureRound, round_id)
    assert f"/m/{round_.token}" in page and "<svg" in page  # the short link and its QR code
    # Four people answer on their phones (no account), one paper form is typed in by the manager.
    for value in (4, 4, 5, 3):
        phone = _fresh(app)
        assert "Your privacy" in phone.get(f"/m/{round_.token}").get_data(as_text=True)
        reply = _answer(phone, round_.token, value)
        assert reply.status_code == 302 and "/thanks" in reply.headers["Location"]
        thanks = phone.get(reply.headers["Location"]).get_data(as_text=True)
        assert "anonymous" in thanks and "at least 5 people" in thanks
    data = {"respondent": "carer", **{f"q_{k.replace('-', '_')}": v for k, v in answers(2, carer=True).items()}}
    assert client.post(f"/care-plan-audit/measure/{round_id}/paper", data=data).status_code == 302
    paper = db.session.scalar(select(MeasureResponse).where(MeasureResponse.mode == ResponseMode.PAPER))
    assert paper.respondent.value == "carer"
    # Five responses, but the round is open: a count and no figure.
    page = client.get(f"/care-plan-audit/measure/{round_id}").get_data(as_text=True)
    assert "5 responses so far" in page and "mean score" not in page
    assert client.post(f"/care-plan-audit/measure/{round_id}/close", data={}).status_code == 302
    page = client.get(f"/care-plan-audit/measure/{round_id}").get_data(as_text=True)
    # Each person's score is their mean with the reverse-scored statement flipped (6 - v): 4 everywhere scores
    # (9 x 4 + 2) / 10 = 3.8; so 3.8, 3.8, 4.6, 3.0 and 2.2 make 3.48.
    assert "Everyone (5): mean score 3.48" in page and "1 of them typed in from paper" in page
    assert "Carers (" not in page  # 4 service users and 1 carer: only the combined figure
    assert "supervision action plan" in page
    # Closed: the phone page says so and takes nothing.
    phone = _fresh(app)
    assert "has closed" in _answer(phone, round_.token, 1).get_data(as_text=True)
    assert db.session.query(MeasureResponse).count() == 5


def test_no_figure_under_the_threshold_even_when_closed(app, world):
    round_ = open_round(world["manager"], world["team"])
    for value in (5, 5, 5, 5):
        measure_services.submit(round_, respondent="service_user", answers=answers(value))
    measure_services.close_round(world["manager"], round_)
    result = measure_services.result(round_)
    assert not result.shown and result.groups == [] and "Fewer than 5" in result.release.reason


def test_groups_apart_only_when_both_reach_the_threshold(app, world):
    round_ = open_round(world["manager"], world["team"])
    for _ in range(5):
        measure_services.submit(round_, respondent="service_user", answers=answers(4))
    for _ in range(4):
        measure_services.submit(round_, respondent="carer", answers=answers(2, carer=True))
    measure_services.close_round(world["manager"], round_)
    assert [g.label for g in measure_services.result(round_).groups] == ["Everyone"]
    round_.closed_at = None
    measure_services.submit(round_, respondent="carer", answers=answers(2, carer=True))
    round_.closed_at = measure_services.utcnow()
    labels = [(g.label, g.n, g.score) for g in measure_services.result(round_).groups]
    assert labels == [("Everyone", 10, 3.0), ("Service users", 5, 3.8), ("Carers", 5, 2.2)]


def test_a_round_closes_by_itself_after_its_closing_date(app, world):
    round_ = open_round(world["manager"], world["team"])
    assert round_.is_accepting(measure_services.today())
    round_.opens_on, round_.closes_on = (measure_services.today() - dt.timedelta(days=d) for d in (20, 1))
    assert round_.is_closed(measure_services.today())
    with pytest.raises(ServiceError, match="closed"):
        measure_services.submit(round_, respondent="carer", answers=answers(3, carer=True))


def test_no_identifying_columns_in_the_response_table():
    columns = {c.name for c in inspect(MeasureResponse).columns}
    assert columns == {"id", "round_id", "respondent", "mode", "easy_read", "answers", "comment", "submitted_on"}
    # The day only, no time; nothing that names a person, a device, an address or a member of staff.
    assert not any(w in c for c in columns for w in ("user", "name", "ip", "device", "email", "staff", "entered", "at"))


def test_free_text_passes_the_guard(app, client, world):
    round_ = open_round(world["manager"], world["team"])
    reply = _answer(client, round_.token, 4, comment="mr smith said I could not see my plan")
    assert reply.status_code == 200 and "possible name" in reply.get_data(as_text=True)
    assert db.session.query(MeasureResponse).count() == 0
    assert _answer(client, round_.token, 4, comment="Being given a copy I can read").status_code == 302


def test_per_device_limit(app, world):
    round_ = open_round(world["manager"], world["team"])
    phone = _fresh(app)
    assert _answer(phone, round_.token, 4).status_code == 302
    assert _answer(phone, round_.token, 4, respondent="carer").status_code == 302  # their carer, same phone
    third = _answer(phone, round_.token, 4)
    assert third.status_code == 200 and "already been used" in third.get_data(as_text=True)
    assert db.session.query(MeasureResponse).count() == 2
    # A forged or edited cookie counts for nothing: it is signed.
    other = _fresh(app)
    other.set_cookie("equiptrain_measure", "eyJ4IjoxfQ.forged")
    assert _answer(other, round_.token, 4).status_code == 302


def test_rate_limit_per_address(app, world):
    app.config["MEASURE_LIMIT_PER_ADDRESS"] = "3 per minute"
    round_ = open_round(world["manager"], world["team"])
    codes = [_answer(_fresh(app), round_.token, 4).status_code for _ in range(5)]
    assert codes[:3] == [302, 302, 302] and codes[3:] == [429, 429]
    assert db.session.query(MeasureResponse).count() == 3


def test_learners_cannot_open_rounds_or_see_results(client, login, world):
    login(world["learner"])
    assert client.get(f"/care-plan-audit/teams/{world['team'].id}/measure").status_code == 403
    round_ = open_round(world["manager"], world["team"])
    assert client.get(f"/care-plan-audit/measure/{round_.id}").status_code in (403, 404)


def test_an_unknown_code_is_a_plain_404(client):
    assert client.get("/m/nosuchcode").status_code == 404
    assert client.post("/m/" + "x" * 300, data={}).status_code == 404


def test_easy_read_version(app, world):
    round_ = open_round(world["manager"], world["team"])
    phone = _fresh(app)
    page = phone.get(f"/m/{round_.token}?easy=1").get_data(as_text=True)
    assert "Staff listen to me." in page and "Yes, a lot" in page and "Standard version" in page
    reply = _answer(phone, round_.token, 5, easy="1")
    assert reply.status_code == 302
    assert db.session.scalar(select(MeasureResponse)).easy_read is True


def test_organisation_view_lists_rounds(client, login, world):
    open_round(world["manager"], world["team"], kind=MeasureRoundKind.FOLLOW_UP)
    login(world["admin"])
    page = client.get("/care-plan-audit/organisation/measure").get_data(as_text=True)
    assert "Riverside CMHT" in page and "Follow-up" in page
