"""€5 per started month, from the signature to the return, and nothing after it."""

import datetime
from datetime import date
from decimal import Decimal

import pytest

from rental import billing, selectors, services
from tests.rental.conftest import S

FIVE = Decimal("5.00")


@pytest.mark.parametrize(
    ("start", "until", "months"),
    [
        (date(2026, 9, 15), date(2026, 9, 15), 1),  # returned the day it was signed: the first month is begun
        (date(2026, 9, 15), date(2026, 9, 16), 1),
        (date(2026, 9, 15), date(2026, 10, 14), 1),
        (date(2026, 9, 15), date(2026, 10, 15), 1),  # back on the day a new month would begin: not begun
        (date(2026, 9, 15), date(2026, 10, 16), 2),
        (date(2026, 9, 15), date(2027, 3, 31), 7),
        (date(2026, 1, 31), date(2026, 2, 28), 1),  # 31 January + 1 month = 28 February
        (date(2026, 1, 31), date(2026, 3, 1), 2),
    ],
)
def test_months_started(start, until, months):
    assert billing.months_started(start, until) == months


def test_amount_owed_counts_todays_month_while_out_and_stops_at_the_return():
    start = date(2026, 9, 15)
    assert billing.amount_owed(start=start, today=start, returned_on=None, amount=FIVE) == FIVE
    assert billing.amount_owed(start=start, today=date(2026, 10, 15), returned_on=None, amount=FIVE) == 2 * FIVE
    returned = date(2026, 11, 2)
    for later in (date(2026, 11, 20), date(2027, 6, 1)):
        assert billing.amount_owed(start=start, today=later, returned_on=returned, amount=FIVE) == 2 * FIVE


def test_schedule_ends_at_the_return_and_payments_cover_months_in_order():
    lines = billing.schedule(
        start=date(2026, 9, 15),
        planned_end=date(2027, 3, 31),
        returned_on=None,
        amount=FIVE,
        paid=Decimal("10.00"),
        today=date(2026, 11, 20),
    )
    assert len(lines) == 7
    assert [line.state for line in lines] == ["paid", "paid", "due", "upcoming", "upcoming", "upcoming", "upcoming"]
    returned = billing.schedule(
        start=date(2026, 9, 15),
        planned_end=date(2027, 3, 31),
        returned_on=date(2026, 11, 2),
        amount=FIVE,
        paid=Decimal("5.00"),
        today=date(2027, 1, 1),
    )
    assert [(line.starts_on, line.state) for line in returned] == [
        (date(2026, 9, 15), "paid"),
        (date(2026, 10, 15), "due"),
    ]


@pytest.mark.django_db
def test_a_loan_returned_early_owes_only_its_months_begun(application_in, officer):
    application = application_in(S.ACTIVE)
    start = application.agreement.starts_on
    services.payment_record_counter(application=application, actor=officer, amount=FIVE)
    services.loan_return(
        application=application, actor=officer, condition="Bon état", returned_on=start + datetime.timedelta(days=40)
    )
    application.refresh_from_db()
    assert len(selectors.loan_schedule(application, today=start + datetime.timedelta(days=400))) == 2
    assert selectors.balance(application, today=start + datetime.timedelta(days=400)) == FIVE
