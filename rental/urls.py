from django.urls import path

from rental import views

app_name = "rental"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("demande/", views.apply, name="apply"),
    path("mes-demandes/", views.my_applications, name="my_applications"),
    path("mes-demandes/<int:pk>/", views.my_application, name="my_application"),
    path("mes-demandes/<int:pk>/signer/", views.sign, name="sign"),
    path("mes-demandes/<int:pk>/paiement/", views.payment, name="payment"),
    path("mes-demandes/<int:pk>/lieu-de-retrait/", views.pickup_change, name="pickup_change"),
    path("mes-demandes/<int:pk>/transfert/", views.transfer_answer, name="transfer_answer"),
    path("mes-demandes/<int:pk>/annuler/", views.withdraw, name="withdraw"),
    path("mes-demandes/<int:pk>/justificatif/", views.proof_download, name="proof"),
    path("mes-demandes/<int:pk>/contrat.pdf", views.agreement_download, name="agreement"),
]
