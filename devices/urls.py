from django.urls import path

from devices import api, views

app_name = "devices"

urlpatterns = [
    path("appareil/<str:asset_tag>/", views.passport, name="passport"),
    path("api/atelier/rapports-materiel/", api.probe_report, name="probe_report"),
    path("donateurs/", views.donor_home, name="donor_home"),
    path("donateurs/lots/<int:pk>/", views.donor_batch, name="donor_batch"),
    path("donateurs/lots/<int:pk>/appareils.csv", views.donor_batch_csv, name="donor_batch_csv"),
    path("donateurs/lots/<int:pk>/rapport.pdf", views.donor_batch_pdf, name="donor_batch_pdf"),
    path("donateurs/certificats/<int:event_pk>/", views.donor_certificate, name="donor_certificate"),
]
