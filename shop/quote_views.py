"""Quotes, for the members of a verified organisation: asked from the basket, read, downloaded, ordered."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reemploi.downloads import private_download
from shop.forms import QuoteRequestForm
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
    if request.method == "POST" and form.is_valid():
        if basket.is_empty:
            messages.error(request, _("Add the products and quantities you need to your basket first."))
            return redirect("basket:summary")
        quote = quotes.quote_request(
            organisation=organisation, user=request.user, basket=basket, message=form.cleaned_data["message"]
        )
        messages.success(request, _("Your quote request is sent. We will answer by e-mail."))
        return redirect("shop_quote_detail", pk=quote.pk)
    return render(request, "shop/quote_request.html", {"form": form, "basket": basket, "organisation": organisation})


def _quote_for(request, pk):
    return get_object_or_404(
        Quote.objects.select_related("organisation").prefetch_related("lines__product"),
        pk=pk,
        organisation__members=request.user,
    )


@login_required
def quote_detail(request, pk):
    quote = _quote_for(request, pk)
    return render(request, "shop/quote_detail.html", {"quote": quote, "today": timezone.localdate()})


@login_required
@require_GET
def quote_pdf(request, pk):
    quote = _quote_for(request, pk)
    if quote.state == Quote.State.REQUESTED:
        raise Http404
    return private_download(quotes.quote_pdf_bytes(quote=quote), f"devis-{quote.reference}.pdf")


@login_required
@require_POST
def quote_order(request, pk):
    quote = _quote_for(request, pk)
    try:
        quotes.quote_to_basket(quote=quote, basket=request.basket)
    except AfterSaleRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("shop_quote_detail", pk=pk)
    messages.success(request, _("The quote is in your basket: choose delivery and payment to order."))
    return redirect("shop_checkout")
