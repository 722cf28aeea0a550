"""What a loan costs: the monthly amount for every started month, from the signature to the return.

Pure functions of dates and amounts (no database): the trainee's page, the officer's page and the tests
read the same figures.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal


def add_months(start: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter: 31 January + 1 = 28/29 February)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def months_started(start: date, until: date) -> int:
    """Months begun between `start` and `until` (the day the device comes back, which is not charged).

    The first month is begun on the start day; a device returned on the day a new month would begin does
    not start it.
    """
    if until <= start:
        return 1
    count = 0
    while add_months(start, count) < until:
        count += 1
    return count


@dataclass(frozen=True)
class Instalment:
    number: int
    starts_on: date
    amount: Decimal
    state: str  # "paid", "due" (begun, not covered by payments) or "upcoming"


def schedule(*, start: date, planned_end: date, returned_on: date | None, amount: Decimal, paid: Decimal, today: date):
    """The loan's monthly instalments: until the return when the device is back, until the planned end
    otherwise. Payments cover instalments in order."""
    end = returned_on or planned_end
    count = months_started(start, end)
    instalments = []
    covered = paid
    for number in range(count):
        begins = add_months(start, number)
        if covered >= amount:
            state, covered = "paid", covered - amount
        elif begins <= today:
            state = "due"
        else:
            state = "upcoming"
        instalments.append(Instalment(number + 1, begins, amount, state))
    return instalments


def amount_owed(*, start: date, today: date, returned_on: date | None, amount: Decimal) -> Decimal:
    """What the months begun so far cost: today's included while the device is out, none after its return."""
    until = returned_on if returned_on is not None else today + timedelta(days=1)
    return amount * months_started(start, until)
