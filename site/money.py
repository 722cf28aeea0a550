"""Amounts in euros, written the French way everywhere: pages, e-mails and PDFs (`1 234,50 €`).

One function, `euros`, also a template filter: `{% load money %}{{ amount|euros }}`. The spaces are
no-break spaces (U+00A0), which every font of the PDFs has, so an amount is never split across lines.
"""

import functools
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.numbers import parse_pattern
from django import template

register = template.Library()
# Parsed once: babel's `format_currency` parses the locale and the pattern again at every call.
FRENCH = Locale.parse("fr_FR")
CENTS = parse_pattern("#,##0.00\xa0¤")
WHOLE = parse_pattern("#,##0\xa0¤")


@register.filter(name="euros")
def euros(amount, whole: str = "") -> str:
    """`amount` in euros with two decimals; with `whole` (`|euros:"whole"`), a round amount has none (5 €)."""
    if amount in (None, ""):
        return ""
    return _written(Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), bool(whole))


@functools.lru_cache(maxsize=4096)
def _written(value: Decimal, whole: bool) -> str:
    """Amounts repeat (a catalogue page shows the same prices again and again): each is written once."""
    pattern = WHOLE if whole and value == value.to_integral_value() else CENTS
    return pattern.apply(value, FRENCH, currency="EUR", currency_digits=False).replace("\u202f", "\xa0")
