"""Amounts in euros, written the French way everywhere: pages, e-mails and PDFs (`1 234,50 €`).

One function, `euros`, also a template filter: `{% load money %}{{ amount|euros }}`. The spaces are
no-break spaces (U+00A0), which every font of the PDFs has, so an amount is never split across lines.
"""

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency
from django import template

register = template.Library()


@register.filter(name="euros")
def euros(amount, whole: str = "") -> str:
    """`amount` in euros with two decimals; with `whole` (`|euros:"whole"`), a round amount has none (5 €)."""
    if amount in (None, ""):
        return ""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    pattern = "#,##0 ¤" if whole and value == value.to_integral_value() else "#,##0.00 ¤"
    text = format_currency(value, "EUR", format=pattern, locale="fr_FR", currency_digits=False)
    return text.replace("\u202f", "\xa0").replace(" ", "\xa0")
