import unicodedata

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.models import Page

from content import newsletter
from content.forms import NewsletterForm
from content.models import Subscriber
from reemploi import product_search
from reemploi.ratelimits import form_rate_limited


@require_http_methods(["GET", "POST"])
def newsletter_subscribe(request):
    if request.method == "POST":
        form = NewsletterForm(request.POST)
        if form_rate_limited(request, "newsletter"):
            form.add_error(None, _("Too many requests from your connection. Please try again in a few minutes."))
            return render(request, "content/newsletter_subscribe.html", {"form": form}, status=429)
        if form.is_valid():
            newsletter.subscriber_request(email=form.cleaned_data["email"])
            return redirect("newsletter:sent")
    else:
        form = NewsletterForm()
    return render(request, "content/newsletter_subscribe.html", {"form": form})


@require_GET
def newsletter_sent(request):
    return render(request, "content/newsletter_sent.html")


@require_http_methods(["GET", "POST"])
def newsletter_confirm(request, token):
    try:
        subscriber = newsletter.subscriber_from_confirm_token(token)
    except newsletter.ExpiredLink:
        return render(
            request, "content/newsletter_link_problem.html", {"expired": True, "form": NewsletterForm()}, status=410
        )
    except newsletter.InvalidLink:
        return render(
            request, "content/newsletter_link_problem.html", {"expired": False, "form": NewsletterForm()}, status=404
        )
    if request.method == "POST":
        newsletter.subscriber_confirm(subscriber=subscriber)
        messages.success(request, _("Your subscription to the Circul'lettre is confirmed. Thank you!"))
        return redirect("newsletter:confirmed")
    return render(request, "content/newsletter_confirm.html", {"subscriber": subscriber})


@require_GET
def newsletter_confirmed(request):
    return render(request, "content/newsletter_confirmed.html")


@csrf_exempt  # the signed token is the secret; mail clients POST here for one-click unsubscribe (RFC 8058)
@require_http_methods(["GET", "POST"])
def newsletter_unsubscribe(request, token):
    try:
        subscriber = newsletter.subscriber_from_unsubscribe_token(token)
    except (newsletter.InvalidLink, newsletter.ExpiredLink):
        return render(
            request, "content/newsletter_link_problem.html", {"expired": False, "form": NewsletterForm()}, status=404
        )
    if request.method == "POST":
        newsletter.subscriber_unsubscribe(subscriber=subscriber)
        return render(request, "content/newsletter_unsubscribed.html")
    return render(
        request,
        "content/newsletter_unsubscribe.html",
        {"subscriber": subscriber, "already": subscriber.status == Subscriber.Status.UNSUBSCRIBED},
    )


def _search_terms(typed: str) -> str:
    """What the search engines are given: no control characters (a NUL breaks PostgreSQL's queries) nor double
    quotes (an unbalanced one is a syntax error for SQLite's full-text search), spaces collapsed, 200 characters."""
    kept = "".join(" " if char == '"' or unicodedata.category(char) == "Cc" else char for char in typed)
    return " ".join(kept.split())[:200]


@require_GET
def search(request):
    query = _search_terms(request.GET.get("q", ""))
    page_results = products = None
    if query:
        pages = Page.objects.live().public().specific().search(query)
        page_results = Paginator(pages, 10).get_page(request.GET.get("page"))
        products = product_search.products_found(query)
    return render(
        request,
        "content/search.html",
        {"query": query, "page_results": page_results, "products": products},
    )


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /compte/",
        "Disallow: /donateurs/",
        "Disallow: /relais/",
        "Disallow: /boutique/panier/",
        "Disallow: /boutique/commande/",
        "Disallow: /boutique/dashboard/",
        "Disallow: /recherche/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
