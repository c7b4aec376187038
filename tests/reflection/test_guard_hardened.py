"""The hardened anonymisation guard (issue 23): every string that slipped past before is refused, and more;
normalisation (NFKC, zero-width and separator characters, case) happens before the rules run."""

import datetime as dt

import pytest

from equiptrain.reflection import guard

TODAY = dt.date(2026, 12, 7)
ZW = "\u200b"


def kinds(text):
    return [(m.kind, m.text) for m in guard.check(text, TODAY)]


ISSUE_STRINGS = [
    ("943.476.5919", "nhs_number"),
    (ZW.join("943.476.5919"), "nhs_number"),
    ("mr smith said", "name"),
    ("Name: John Smith", "name"),
    ("John Smith (patient) said", "name"),
    ("14 Acacia Avenue, Manchester", "address"),
    ("MRN 12345678", "record_number"),
    ("aged 38, born in March 1985", "date_of_birth"),
    ("J.S. aged 42", "initials_age"),
    ("j.smith at example dot com", "email"),
]

MORE_STRINGS = [
    ("\uff19\uff14\uff13\uff14\uff17\uff16\uff15\uff19\uff11\uff19", "nhs_number"),  # full-width digits
    ("943\u2009476\u20095919", "nhs_number"),  # thin spaces
    ("943\u2013476\u20135919", "nhs_number"),  # en dashes
    ("9434\u00ad765919", "nhs_number"),  # a soft hyphen
    ("MR SMITH came to the review", "name"),
    ("mrs. o'brien agreed", "name"),
    ("Dr. A. Patel reviewed it", "name"),
    ("ＭＲ ＳＭＩＴＨ", "name"),  # full-width letters
    ("m" + ZW + "r sm" + ZW + "ith said", "name"),
    ("name - smith", "name"),
    ("Patient name: jo bloggs", "name"),
    ("surname=Okafor", "name"),
    ("Mary Jones, the patient, said", "name"),
    ("carer Peter Brown was there", "name"),
    ("Anita Desai said she felt heard", "name"),
    ("Flat 2, 7 Mill Lane", "address"),
    ("lives at 221b Baker Street", "address"),
    ("Address: the old vicarage", "address"),
    ("RiO number 1234567", "record_number"),
    ("hospital no. A123456", "record_number"),
    ("NHS no: 1234 5678", "record_number"),
    ("ref 20231145", "record_number"),
    ("born in 1985", "date_of_birth"),
    ("born on the 3rd of May 1990", "date_of_birth"),
    ("DOB: 3/5/90", "date_of_birth"),
    ("JS (42) lives alone", "initials_age"),
    ("j.s., 42 years old", "initials_age"),
    ("KM 38yo", "initials_age"),
    ("jo.bloggs(at)nhs(dot)net", "email"),
    ("jo [at] example [dot] co [dot] uk", "email"),
    ("JO.BLOGGS AT NHS DOT NET", "email"),
    ("jo@example.org", "email"),
    ("07700 900123", "phone"),
    ("M1 1AE", "postcode"),
]


@pytest.mark.parametrize("text, kind", ISSUE_STRINGS + MORE_STRINGS)
def test_identifying_text_is_refused(text, kind):
    found = guard.check(text, TODAY)
    assert kind in {m.kind for m in found}, (text, kinds(text))


@pytest.mark.parametrize(
    "text",
    [
        "Mr X and I reviewed the plan",
        "Dr is on leave so the nurse led the review",
        "MS symptoms were worse this month",
        "We spent 10 minutes in the close talking",
        "She is 42 and wants to get back to work",  # an age alone identifies no one
        "aged 38, she wants her sister at the review",
        "The Crisis Team said they would call back",
        "Care Plan said nothing about her strengths",
        "We met at home, then talked for 2 hours",
        "the review is in 3 weeks on the ward",
        "Risk narrative agreed with the person and their carer",
        "She chose the wording of her goals herself",
        "A group called The Hub meets on Tuesdays",
        "I felt the plan used my words",
    ],
)
def test_ordinary_anonymised_text_passes(text):
    assert guard.check(text, TODAY) == []


def test_matches_point_at_the_text_as_typed():
    text = "He said " + ZW.join("9434765919") + " was his number"
    [match] = guard.check(text, TODAY)
    assert text[match.start : match.end] == match.text and match.text.startswith("9" + ZW)
    html = str(guard.highlight(text, [match]))
    assert "possible NHS number" in html and "was his number" in html


def test_normalise_keeps_an_index_back_to_the_original():
    plain, index = guard.normalise("A\u200bB\uff23 \u2014 d")
    assert plain == "ABC - d"
    assert [index[i] for i in range(len(plain))] == [0, 2, 3, 4, 5, 6, 7]


def test_an_old_entry_saved_clean_is_not_blocked_but_its_author_is_prompted(client, login, build):
    from equiptrain.extensions import db
    from equiptrain.reflection.models import ReflectiveEntry

    user = build.user()
    login(user)
    response = client.post(
        "/reflection/new/gibbs",
        data={"title": "Review", "description": "We reviewed the plan.", "feelings": "", "evaluation": "",
              "analysis": "", "conclusion": "", "action_plan": "", "module_id": ""},
    )  # fmt: skip
    entry = db.session.get(ReflectiveEntry, int(response.headers["Location"].rsplit("/", 1)[1]))
    # Text written before the guard was hardened: stored as clean, and it stays stored.
    entry.fields = {**entry.fields, "description": "mr smith said the plan was his"}
    db.session.flush()
    page = client.get(f"/reflection/{entry.id}").get_data(as_text=True)
    assert "Please check this reflection" in page and "possible name" in page
    assert "mr smith said the plan was his" in page
    # Editing runs the guard: the same text is now stopped until changed or confirmed.
    data = {"title": "Review", "description": "mr smith said the plan was his", "feelings": "", "evaluation": "",
            "analysis": "", "conclusion": "", "action_plan": "", "module_id": ""}  # fmt: skip
    page = client.post(f"/reflection/{entry.id}/edit", data=data).get_data(as_text=True)
    assert '<mark class="et-guard-match">mr smith' in page
    data["description"] = "Mr X said the plan was his"
    assert client.post(f"/reflection/{entry.id}/edit", data=data).status_code == 302
    assert "Please check this reflection" not in client.get(f"/reflection/{entry.id}").get_data(as_text=True)
