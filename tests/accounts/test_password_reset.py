"""Forgotten passwords: a reset link by e-mail, with no hint of which addresses have an account."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model

from tests import factories

pytestmark = pytest.mark.django_db

User = get_user_model()
EMAIL = "maiwenn@exemple.bzh"
NEW_PASSWORD = "Nouveau-Mot-De-Passe-2026"


def reset_path(mail):
    [url] = re.findall(r"http://testserver/compte/password/reset/key/\S+", mail.body)
    return urlsplit(url).path


def test_password_reset_sends_a_link_by_email(client, home_page, mailoutbox):
    factories.UserFactory(email=EMAIL)

    response = client.post("/compte/password/reset/", {"email": EMAIL})

    assert response["Location"] == "/compte/password/reset/done/"
    [mail] = mailoutbox
    assert mail.to == [EMAIL]
    assert mail.subject.startswith("[Réemploi] ")
    assert reset_path(mail)


def test_reset_link_sets_a_new_password(client, home_page, mailoutbox):
    user = factories.UserFactory(email=EMAIL)
    client.post("/compte/password/reset/", {"email": EMAIL})

    form_url = client.get(reset_path(mailoutbox[0]), follow=True).redirect_chain[-1][0]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    client.logout()
    client.post("/compte/login/", {"login": EMAIL, "password": NEW_PASSWORD})
    assert "_auth_user_id" in client.session


def test_unknown_address_gets_the_same_answer(client, home_page, mailoutbox):
    response = client.post("/compte/password/reset/", {"email": "personne@exemple.bzh"})

    assert response["Location"] == "/compte/password/reset/done/"
    [mail] = mailoutbox
    assert mail.to == ["personne@exemple.bzh"]
    assert "/compte/password/reset/key/" not in mail.body
    assert not User.objects.filter(email="personne@exemple.bzh").exists()


def test_oscar_password_reset_page_leads_to_allauth(client):
    response = client.get("/boutique/password-reset/")

    assert response["Location"] == "/compte/password/reset/"


def test_wagtails_password_reset_leads_to_allauth_and_sends_nothing(client, mailoutbox):
    """Wagtail's own reset form took any number of requests (an e-mail flood on any account)."""
    User.objects.create_user(email="moderatrice@exemple.bzh", password="x" * 12)

    response = client.post("/admin/password_reset/", {"email": "moderatrice@exemple.bzh"})

    assert response.status_code == 302 and response["Location"] == "/compte/password/reset/"
    assert mailoutbox == []
