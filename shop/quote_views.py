"""Quotes, for the members of a verified organisation: asked for what they need (beyond today's stock if
need be), read, downloaded, accepted online — the accepted quote becomes an order at the quoted prices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reemploi.downloads import private_download
from shop.forms import QuoteAcceptForm, QuoteLineFormSet, QuoteRequestForm
from shop.models import Quote
from shop.selectors import verified_organisation
from shop.services import AfterSaleRefused, quotes


@login_required
def quote_request(request):
    organisation = verified_organisation(request.user)
    if organisation is None:
        messages.error(request, _("Quotes are for verified organisations: fill in your organisation profile first."))
        return redirect("shop_organisation")
    basket = request.basket
    form = QuoteRequestForm(request.POST or None)
    lines = QuoteLineFormSet(request.POST or None, prefix="lignes")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        specs = [line.cleaned_data for line in lines if line.cleaned_data.get("category")]
        try:
            quote = quotes.quote_request(
                organisation=organisation,
                user=request.user,
                basket=basket,
                lines=specs,
                message=form.cleaned_data["message"],
                wished_date=form.cleaned_data["wished_date"],
                fulfilment=form.cleaned_data["fulfilment"],
                preferred_member=form.cleaned_data["preferred_member"],
            )
        except AfterSaleRefused as refusal:
            form.add_error(None, refusal.messages)
        else:
            messages.success(request, _("Your quote request is sent. We will answer by e-mail."))
            return redirect("shop_quote_detail", pk=quote.pk)
    return render(
        request,
        "shop/quote_request.html",
        {"form": form, "lines": lines, "basket": basket, "organisation": organisation},
    )


def _quote_for(request, pk):
    return get_object_or_404(
        Quote.objects.select_related("organisation", "association", "order").prefetch_related("lines__product"),
        pk=pk,
        organisation__members=request.user,
    )


def _acceptable(quote) -> bool:
    return quote.state == Quote.State.ANSWERED and (not quote.valid_until or quote.valid_until >= timezone.localdate())


@login_required
def quote_detail(request, pk):
    quote = _quote_for(request, pk)
    form = QuoteAcceptForm(organisation=quote.organisation) if _acceptable(quote) else None
    return render(request, "shop/quote_detail.html", {"quote": quote, "form": form})


@login_required
@require_GET
def quote_pdf(request, pk):
    quote = _quote_for(request, pk)
    if quote.state == Quote.State.REQUESTED:
        raise Http404
    return private_download(quotes.quote_pdf_bytes(quote=quote), f"devis-{quote.reference}.pdf")


@login_required
def quote_accept(request, pk):
    """The buyer accepts the quote (payment, engagement number, the signed order if any): it becomes an order."""
    quote = _quote_for(request, pk)
    if request.method != "POST" or not _acceptable(quote):
        return redirect("shop_quote_detail", pk=pk)
    form = QuoteAcceptForm(request.POST, request.FILES, organisation=quote.organisation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record = quotes.quote_accept(
                quote=quote,
                user=request.user,
                method=data["method"],
                purchase_order=data["purchase_order"],
                service_code=data["service_code"],
                signed_order=data["signed_order"],
            )
        except AfterSaleRefused as refusal:
            form.add_error(None, refusal.messages)
        else:
            messages.success(
                request, _("Quote accepted: it is now your order %(number)s.") % {"number": record.order_number}
            )
            return redirect("shop_order_detail", number=record.order_number)
    return render(request, "shop/quote_detail.html", {"quote": quote, "form": form}, status=200)
