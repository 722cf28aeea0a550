from django.urls import path

from content import views

app_name = "newsletter"

urlpatterns = [
    path("", views.newsletter_subscribe, name="subscribe"),
    path("envoye/", views.newsletter_sent, name="sent"),
    path("confirmer/<str:token>/", views.newsletter_confirm, name="confirm"),
    path("confirme/", views.newsletter_confirmed, name="confirmed"),
    path("desinscription/<str:token>/", views.newsletter_unsubscribe, name="unsubscribe"),
]
