"""Sign-up at /compte/ with a mandatory e-mail verification, in French."""

import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext
from oscar.core.loading import get_class

from tests import factories

pytestmark = pytest.mark.django_db

User = get_user_model()
EMAIL = "gwenola.kerbrat@exemple.bzh"
PASSWORD = factories.PASSWORD
user_registered = get_class("customer.signals", "user_registered")


def french(message):
    """`message` in French, checking that a French translation exists."""
    with translation.override("fr"):
        translated = gettext(message)
    assert translated != message, f"no French translation for {message!r}"
    return translated


def sign_up(client, email=EMAIL, password=PASSWORD, password2=None):
    return client.post("/compte/signup/", {"email": email, "password1": password, "password2": password2 or password})


def confirmation_path(mail):
    [url] = re.findall(r"http://testserver/compte/confirm-email/\S+", mail.body)
    return urlsplit(url).path


def is_logged_in(client):
    return "_auth_user_id" in client.session


def test_sign_up_creates_an_account_with_an_unverified_address(client, home_page):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == "/compte/confirm-email/"
    user = User.objects.get(email=EMAIL)
    assert user.check_password(PASSWORD)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (EMAIL, False, True)
    assert not is_logged_in(client)


def test_verification_sent_page_says_so_in_french(client, home_page):
    response = client.get(sign_up(client)["Location"])

    content = response.content.decode()
    assert french("Verify Your Email Address") in content


def test_sign_up_sends_a_french_confirmation_email(client, home_page, mailoutbox):
    sign_up(client)

    [mail] = mailoutbox
    assert mail.to == [EMAIL]
    assert mail.subject == "[Réemploi] " + french("Please Confirm Your Email Address")
    assert confirmation_path(mail).startswith("/compte/confirm-email/")
    assert "Réemploi – OGO" in mail.body


def test_login_is_refused_until_the_address_is_confirmed(client, home_page, mailoutbox):
    sign_up(client)
    client.logout()

    response = client.post("/compte/login/", {"login": EMAIL, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/compte/confirm-email/"
    assert not is_logged_in(client)


def test_confirmation_link_asks_before_confirming(client, home_page, mailoutbox):
    sign_up(client)

    response = client.get(confirmation_path(mailoutbox[0]))

    content = response.content.decode()
    assert response.status_code == 200
    assert EMAIL in content
    assert 'method="post"' in content
    assert not EmailAddress.objects.get(email=EMAIL).verified


def test_following_the_confirmation_link_verifies_the_address_and_allows_login(client, home_page, mailoutbox):
    sign_up(client)
    path = confirmation_path(mailoutbox[0])
    client.logout()

    client.post(path)

    assert EmailAddress.objects.get(email=EMAIL).verified
    response = client.post("/compte/login/", {"login": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_logged_in(client)
    assert client.get("/").context["user"].email == EMAIL


def test_confirming_in_the_sign_up_browser_logs_the_user_in(client, home_page, mailoutbox):
    sign_up(client)

    client.post(confirmation_path(mailoutbox[0]))

    assert is_logged_in(client)


def test_sign_up_with_a_taken_address_creates_nothing_and_tells_the_owner(client, home_page, mailoutbox):
    factories.UserFactory(email=EMAIL)

    response = sign_up(client)

    assert response["Location"] == "/compte/confirm-email/"  # the same answer: no account enumeration
    assert User.objects.filter(email__iexact=EMAIL).count() == 1
    [mail] = mailoutbox
    assert mail.to == [EMAIL]
    assert "/compte/confirm-email/" not in mail.body


def test_too_short_password_is_refused_in_french(client, home_page, mailoutbox):
    response = sign_up(client, password="Breizh-1")

    assert response.status_code == 200
    error = re.search(r'<p class="error" id="id_password1_error">([^<]*)</p>', response.content.decode()).group(1)
    assert "10 caractères" in error
    assert not User.objects.filter(email=EMAIL).exists()
    assert mailoutbox == []


def test_sign_up_tells_oscar_about_the_new_customer(client, home_page):
    registered = []

    def receiver(sender, request, user, **kwargs):
        registered.append(user.email)

    user_registered.connect(receiver)
    try:
        sign_up(client)
    finally:
        user_registered.disconnect(receiver)

    assert registered == [EMAIL]


def test_oscar_registration_page_leads_to_the_sign_up(client, home_page):
    response = client.get("/boutique/accounts/register/")

    assert response.status_code == 302
    assert response["Location"] == "/compte/signup/"
