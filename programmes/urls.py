from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("relais/", views.home, name="home"),
    path("relais/<slug:slug>/tout-recevoir/", views.receive_all, name="receive_all"),
    path("relais/appareils/<int:pk>/reception/", views.receive, name="receive"),
    path("relais/appareils/<int:pk>/remise/", views.hand_over, name="hand_over"),
    path("relais/appareils/<int:pk>/retour/", views.give_back, name="give_back"),
    path("relais/appareils/<int:pk>/recu.pdf", views.receipt, name="receipt"),
    path("relais/bons/", views.voucher_list, name="vouchers"),
    path("relais/bons/<int:pk>/revoquer/", views.voucher_revoke, name="voucher_revoke"),
    path("relais/bons/<int:pk>/bon.pdf", views.voucher_print, name="voucher_print"),
    path("donateurs/programmes/<slug:slug>/", views.programme_report, name="report"),
    path("donateurs/programmes/<slug:slug>/appareils.csv", views.programme_report_csv, name="report_csv"),
    path("donateurs/programmes/<slug:slug>/rapport.pdf", views.programme_report_file, name="report_pdf"),
]
