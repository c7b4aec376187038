"""Issue 24: lived-experience trainers see what they were paid (amount, dates, every workshop, a total each
financial year), and administrators export payments for finance as CSV or XLSX through csvsafe."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.trainers.models import TrainerKind
from equiptrain.workshops import attendance
from equiptrain.workshops.models import PaymentStatus
from equiptrain.workshops.queries import financial_year
from tests.workshops.helpers import make_workshop


def _paid_session(build, trainer, admin, title='=HYPERLINK("x")', pence=15000, days=-10):
    pro = build.user("trainer", org=admin.organisation)
    workshop = make_workshop(
        build, org=admin.organisation, admin=admin, facilitators=[pro, trainer], starts_in=dt.timedelta(days=days)
    )
    workshop.title = title
    support = attendance.support_for(workshop, trainer)
    attendance.set_payment(trainer, support, PaymentStatus.CLAIMED)
    if pence:
        attendance.set_payment(admin, support, PaymentStatus.PAID, pence)
    db.session.commit()
    return workshop, support


def test_marking_paid_needs_an_amount(build):
    admin = build.user("admin")
    trainer = build.user("trainer", org=admin.organisation, trainer_kind=TrainerKind.CARER)
    _w, support = _paid_session(build, trainer, admin, pence=None)
    with pytest.raises(ServiceError, match="amount"):
        attendance.set_payment(admin, support, PaymentStatus.PAID)
    with pytest.raises(ServiceError, match="amount"):
        attendance.set_payment(admin, support, PaymentStatus.PAID, 0)


def test_the_admin_marks_paid_with_an_amount_and_the_trainer_sees_it(build, client, login):
    admin = build.user("admin")
    trainer = build.user("trainer", org=admin.organisation, trainer_kind=TrainerKind.SERVICE_USER)
    workshop, support = _paid_session(build, trainer, admin, title="Core day", pence=None)
    login(admin)
    url = f"/workshops/{workshop.id}/support/{trainer.id}"
    assert "Enter the amount" in client.post(url, data={"action": "paid", "p-amount": "lots"}).get_data(as_text=True)
    assert client.post(url, data={"action": "paid", "p-amount": "£150.50"}).status_code == 302
    db.session.refresh(support)
    assert support.payment_status is PaymentStatus.PAID and support.amount_pence == 15050
    login(trainer)
    page = client.get(url).get_data(as_text=True)
    assert "£150.50" in page and "Paid" in page
    overview = client.get("/workshops/my-sessions").get_data(as_text=True)
    year = financial_year(dt.date.today())
    assert "£150.50" in overview and f"April {year} to March {year + 1}" in overview and "Core day" in overview


def test_the_yearly_total_adds_up_across_workshops(build, client, login):
    admin = build.user("admin")
    trainer = build.user("trainer", org=admin.organisation, trainer_kind=TrainerKind.CARER)
    _paid_session(build, trainer, admin, title="One", pence=15000)
    _paid_session(build, trainer, admin, title="Two", pence=7500)
    login(trainer)
    assert "£225.00 for 2 sessions" in client.get("/workshops/my-sessions").get_data(as_text=True)


def test_financial_years_run_from_april():
    assert financial_year(dt.date(2027, 3, 31)) == 2026 and financial_year(dt.date(2027, 4, 1)) == 2027


def test_the_payments_export_is_neutralised_csv_and_xlsx(build, client, login):
    admin = build.user("admin")
    trainer = build.user("trainer", org=admin.organisation, trainer_kind=TrainerKind.SERVICE_USER)
    _paid_session(build, trainer, admin)
    login(admin)
    csv = client.get("/workshops/reports/payments.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert "Amount (GBP)" in text and "150.00" in text and trainer.name in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text  # a formula never reaches the spreadsheet
    xlsx = client.get("/workshops/reports/payments.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [c.value for c in sheet[2]]
    assert "150.00" in values and not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_a_trainer_cannot_export_payments(build, client, login):
    login(build.user("trainer"))
    assert client.get("/workshops/reports/payments.csv").status_code == 403
