from django.urls import path

from shop import checkout_views as views

urlpatterns = [
    # Replaces Oscar's multi-step checkout (its basket page links here through `checkout:index`'s path).
    path("checkout/", views.checkout, name="shop_checkout"),
    path("checkout/paiement/", views.checkout_payment, name="shop_checkout_payment"),
    path("checkout/confirmation/", views.checkout_confirm, name="shop_checkout_confirm"),
    path("commandes/", views.my_orders, name="shop_my_orders"),
    path("commandes/<str:number>/", views.order_detail, name="shop_order_detail"),
    path("commandes/<str:number>/facture.pdf", views.order_invoice, name="shop_order_invoice"),
    path("commandes/<str:number>/retractation/", views.order_withdraw, name="shop_order_withdraw"),
    path("organisation/", views.organisation_profile, name="shop_organisation"),
    path("devis/demande/", views.quote_request, name="shop_quote_request"),
    path("devis/<int:pk>/", views.quote_detail, name="shop_quote_detail"),
    path("devis/<int:pk>/devis.pdf", views.quote_pdf, name="shop_quote_pdf"),
    path("devis/<int:pk>/commander/", views.quote_order, name="shop_quote_order"),
]
