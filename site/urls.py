from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from content import views as content_views
from content.cache import cached_page_view
from payments.webhooks import stripe_webhook
from reemploi.health import health
from reemploi.views import login_redirect
from shop import views as shop_views

# Oscar, the Wagtail admin and the Django admin have login, sign-up and password-reset pages of their own:
# every one leads to allauth, which rate-limits them (one login for the whole platform).
single_login_patterns = [
    path("admin/login/", login_redirect("account_login")),
    path("admin/password_reset/", login_redirect("account_reset_password")),  # Wagtail's, not rate-limited
    path("django-admin/login/", login_redirect("account_login")),
    path("_util/login/", login_redirect("account_login")),
    path("boutique/accounts/login/", login_redirect("account_login")),
    path("boutique/accounts/register/", login_redirect("account_signup")),
    path("boutique/password-reset/", login_redirect("account_reset_password")),
]

# Oscar's own pages that ours replace lead to ours (its old search, offers, categories and ranges, the
# customer area with its wishlists, addresses and saved baskets); its stock alerts stay (the product page's
# form for an unavailable product uses them).
_catalogue = RedirectView.as_view(url="/boutique/catalogue/", query_string=True, permanent=True)
_my_orders = RedirectView.as_view(url="/boutique/commandes/", permanent=False)
_account = RedirectView.as_view(url="/compte/email/", permanent=False)
oscar_leftover_patterns = [
    path("boutique/search/", _catalogue),
    re_path(r"^boutique/offers/", _catalogue),
    re_path(r"^boutique/catalogue/(category|ranges)/", _catalogue),
    re_path(r"^boutique/wishlists/", _catalogue),
    path("boutique/basket/saved/", RedirectView.as_view(url="/boutique/basket/", permanent=False)),
    path("boutique/accounts/", _my_orders),
    path("boutique/accounts/orders/", _my_orders),
    path(
        "boutique/accounts/orders/<str:number>/",
        RedirectView.as_view(pattern_name="shop_order_detail", permanent=False),
    ),
    re_path(r"^boutique/accounts/(profile|emails|addresses|notifications|wishlists|change-password)/", _account),
]

urlpatterns = (
    single_login_patterns
    + oscar_leftover_patterns
    + [
        path("admin/", include(wagtailadmin_urls)),
        path("django-admin/", admin.site.urls),
        path("documents/", include(wagtaildocs_urls)),
        path("compte/", include("allauth.urls")),
        path("boutique/catalogue/", shop_views.catalogue, name="shop_catalogue"),
        # Oscar's product page path (`catalogue:detail` still builds its links), served by the shop's view.
        re_path(r"^boutique/catalogue/(?P<product_slug>[\w-]*)_(?P<pk>\d+)/$", shop_views.ProductDetailView.as_view()),
        path("boutique/basket/vouchers/add/", shop_views.VoucherAddView.as_view()),  # rate-limited
        path("boutique/", include("shop.urls")),
        path("boutique/", include(apps.get_app_config("oscar").urls[0])),
        path("newsletter/", include("content.urls")),
        path("webhooks/stripe/", stripe_webhook, name="stripe_webhook"),
        path("location/", include("rental.urls")),
        path("", include("devices.urls")),
        path("", include("programmes.urls")),
        path("recherche/", content_views.search, name="search"),
        path("sitemap.xml", sitemap, name="sitemap"),
        path("robots.txt", content_views.robots_txt, name="robots_txt"),
        path("sante/", health, name="health"),
        path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "img/favicon.svg", permanent=True)),
    ]
)

if settings.DEBUG:
    # `make run`: public media from the local disk — but not Wagtail's documents, which go through Wagtail's
    # view (`/documents/…`: collection privacy, attachment headers). In production Django never serves media:
    # the bucket does, or the TLS proxy from MEDIA_ROOT (README, Deploying).
    from django.views.static import serve as static_serve

    urlpatterns += [
        re_path(r"^media/(?!documents/)(?P<path>.*)$", static_serve, {"document_root": settings.MEDIA_ROOT}),
    ]

handler500 = "reemploi.views.server_error"  # a 503 page when the database cannot be reached

# Wagtail serves every other path. With PAGE_CACHE_SECONDS set, anonymous responses that carry no
# cookie are cached (the "pages" cache, keyed by the content version that each publication changes).
if settings.PAGE_CACHE_SECONDS:
    serve = cached_page_view(wagtail_views.serve, settings.PAGE_CACHE_SECONDS)
    urlpatterns += [re_path(r"^((?:[\w\-]+/)*)$", serve, name="wagtail_serve_cached")]
urlpatterns += [path("", include(wagtail_urls))]
