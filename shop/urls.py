from django.urls import path

from shop import checkout_views, order_views, organisation_views, quote_views

urlpatterns = [
    # Replaces Oscar's multi-step checkout (its basket page links here through `checkout:index`'s path).
    path("checkout/", checkout_views.checkout, name="shop_checkout"),
    path("checkout/paiement/", checkout_views.checkout_payment, name="shop_checkout_payment"),
    path("checkout/confirmation/", checkout_views.checkout_confirm, name="shop_checkout_confirm"),
    path("commandes/", order_views.my_orders, name="shop_my_orders"),
    path("commandes/<str:number>/", order_views.order_detail, name="shop_order_detail"),
    path("commandes/<str:number>/facture.pdf", order_views.order_invoice, name="shop_order_first_invoice"),
    path("commandes/<str:number>/factures/<int:pk>.pdf", order_views.order_invoice, name="shop_order_invoice"),
    path("commandes/<str:number>/retractation/", order_views.order_withdraw, name="shop_order_withdraw"),
    path("organisation/", organisation_views.organisation_profile, name="shop_organisation"),
    path("organisation/roles/", organisation_views.organisation_roles, name="shop_organisation_roles"),
    path(
        "organisation/commandes/<str:number>/approbation/",
        organisation_views.organisation_approval,
        name="shop_organisation_approval",
    ),
    path(
        "organisation/attestations/<int:year>/<slug:seller>.pdf",
        organisation_views.organisation_attestation,
        name="shop_organisation_attestation",
    ),
    path("devis/demande/", quote_views.quote_request, name="shop_quote_request"),
    path("devis/<int:pk>/", quote_views.quote_detail, name="shop_quote_detail"),
    path("devis/<int:pk>/devis.pdf", quote_views.quote_pdf, name="shop_quote_pdf"),
    path("devis/<int:pk>/accepter/", quote_views.quote_accept, name="shop_quote_accept"),
]
