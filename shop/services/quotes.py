"""Quotes: a verified organisation asks the network from its basket, a member's counter answers at the catalogue
prices of the day (the buyer gets the PDF by e-mail), and the buyer turns the answered quote into a basket."""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from devices.models import private_storage_of_settings
from shop.documents import quote_pdf
from shop.emails import quote_email_after_commit
from shop.models import Quote, QuoteLine
from shop.services import AfterSaleRefused


@transaction.atomic
def quote_request(*, organisation, user, basket, message: str) -> Quote:
    quote = Quote.objects.create(organisation=organisation, requested_by=user, message=message)
    QuoteLine.objects.bulk_create(
        QuoteLine(quote=quote, product_id=line.product_id, quantity=line.quantity) for line in basket.all_lines()
    )
    return quote


@transaction.atomic
def quote_answer(*, quote: Quote, actor, association=None, valid_days: int = 30, note: str = "") -> Quote:
    """A member's counter answers at the catalogue prices of the day; the quote is that member's from now on
    (`association`; None when a coordinator answers for the network). The buyer gets the PDF by e-mail."""
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.state != Quote.State.REQUESTED:
        raise AfterSaleRefused(_("This quote has already been answered."))
    for line in quote.lines.select_related("product__listing"):
        line.unit_price = line.product.listing.price
        line.save(update_fields=["unit_price"])
    quote.state = Quote.State.ANSWERED
    quote.answered_at = timezone.now()
    quote.valid_until = timezone.localdate() + datetime.timedelta(days=valid_days)
    quote.staff_note = note
    quote.association = association
    quote.save()
    quote_email_after_commit(quote)
    return quote


def quote_pdf_bytes(*, quote: Quote) -> bytes:
    """The answered quote's PDF, written to the private storage the first time it is asked for."""
    storage = private_storage_of_settings()
    if quote.pdf and storage.exists(quote.pdf):
        with storage.open(quote.pdf, "rb") as handle:
            return handle.read()
    content = quote_pdf(quote)
    quote.pdf = storage.save(f"quotes/{quote.reference}.pdf", ContentFile(content))
    Quote.objects.filter(pk=quote.pk).update(pdf=quote.pdf)
    return content


def quote_to_basket(*, quote: Quote, basket) -> None:
    """The quote's lines replace the basket's content, ready for the checkout on invoice."""
    if quote.state not in (Quote.State.ANSWERED, Quote.State.ORDERED):
        raise AfterSaleRefused(_("This quote has not been answered yet."))
    if quote.valid_until and quote.valid_until < timezone.localdate():
        raise AfterSaleRefused(_("This quote has expired: ask for a new one."))
    basket.flush()
    for line in quote.lines.select_related("product"):
        info = basket.strategy.fetch_for_product(line.product)
        if not info.availability.is_purchase_permitted(line.quantity)[0]:
            raise AfterSaleRefused(
                _("Only %(available)s × “%(product)s” are left: ask for a new quote.")
                % {"available": info.availability.num_available or 0, "product": line.product.get_title()}
            )
        basket.add_product(line.product, quantity=line.quantity)
    Quote.objects.filter(pk=quote.pk).update(state=Quote.State.ORDERED)
