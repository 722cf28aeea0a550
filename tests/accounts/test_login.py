"""One login for the whole platform (allauth at /compte/login/), protected against password guessing."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from oscar.test.factories import create_product
from wagtail.models import PageViewRestriction

from tests import factories

pytestmark = pytest.mark.django_db

EMAIL = "yannick.le-du@exemple.bzh"


@pytest.fixture
def user():
    return factories.UserFactory(email=EMAIL)


def log_in(client, password=factories.PASSWORD, **extra):
    return client.post("/compte/login/", {"login": EMAIL, "password": password}, **extra)


def is_logged_in(client):
    return "_auth_user_id" in client.session


def test_verified_user_logs_in_with_their_email(client, home_page, user):
    response = log_in(client)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_logged_in(client)


def test_wrong_password_is_refused_in_french(client, home_page, user):
    response = log_in(client, password="pas-le-bon-mot-de-passe")

    assert response.status_code == 200
    with translation.override("fr"):
        message = gettext("The email address and/or password you specified are not correct.")
    assert message in response.content.decode()
    assert not is_logged_in(client)


def test_login_is_blocked_after_five_failures(client, home_page, user):
    for _ in range(5):
        log_in(client, password="pas-le-bon-mot-de-passe")

    response = log_in(client)  # even the right password

    assert not is_logged_in(client)
    content = response.content.decode()
    assert "Trop de tentatives" in content and "Attendez cinq minutes" in content  # and what to do


def test_failures_for_one_account_block_it_from_other_addresses_too(client, home_page, user):
    for n in range(5):
        log_in(client, password="pas-le-bon-mot-de-passe", REMOTE_ADDR=f"192.0.2.{n + 1}")

    log_in(client, REMOTE_ADDR="198.51.100.9")

    assert not is_logged_in(client)


def test_failures_from_one_address_block_it_for_other_accounts(client, home_page, user):
    for n in range(30):
        client.post("/compte/login/", {"login": f"inconnu{n}@exemple.bzh", "password": "devinette-123"})

    log_in(client)

    assert not is_logged_in(client)


def test_trainees_sharing_one_address_are_not_locked_out_by_each_others_typos(client, home_page, user):
    """A training room behind one public address: ten trainees each mistype their password once."""
    for n in range(10):
        factories.UserFactory(email=f"stagiaire{n}@exemple.bzh")
        client.post("/compte/login/", {"login": f"stagiaire{n}@exemple.bzh", "password": "faute-de-frappe"})

    log_in(client)

    assert is_logged_in(client)


def test_another_client_address_is_not_blocked_for_another_account(client, home_page, user):
    other = factories.UserFactory(email="autre@exemple.bzh")
    for _ in range(5):
        log_in(client, password="pas-le-bon-mot-de-passe")

    client.post("/compte/login/", {"login": other.email, "password": factories.PASSWORD}, REMOTE_ADDR="198.51.100.9")

    assert is_logged_in(client)


@pytest.mark.parametrize("login_page", ["/admin/login/", "/django-admin/login/", "/boutique/accounts/login/"])
def test_other_login_pages_lead_to_the_single_login_keeping_a_safe_next(client, login_page):
    response = client.get(login_page, {"next": "/admin/pages/?q=atelier"})

    assert response.status_code == 302
    assert response["Location"] == "/compte/login/?next=%2Fadmin%2Fpages%2F%3Fq%3Datelier"


@pytest.mark.parametrize("login_page", ["/admin/login/", "/boutique/accounts/login/"])
@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/admin/", "http://testserver.evil.example/"]
)
def test_other_login_pages_drop_an_external_next(client, login_page, next_url):
    response = client.get(login_page, {"next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "/compte/login/"


def test_the_django_admin_takes_no_password_of_its_own(client, home_page):
    """Its login form took unlimited attempts (allauth's limits do not apply to it): it now leads to allauth."""
    factories.superuser(email=EMAIL)
    for _ in range(10):
        client.post("/django-admin/login/", {"username": EMAIL, "password": "pas-le-bon-mot-de-passe"})

    response = client.post("/django-admin/login/", {"username": EMAIL, "password": factories.PASSWORD})

    assert response.status_code == 302 and response["Location"].startswith("/compte/login/")
    assert not is_logged_in(client)
    admin_login = client.get("/django-admin/")["Location"]  # Django's own redirection, then ours
    assert client.get(admin_login)["Location"] == "/compte/login/?next=%2Fdjango-admin%2F"


def test_login_returns_to_the_page_asked_for(client, home_page, user):
    response = client.post("/compte/login/?next=/newsletter/", {"login": EMAIL, "password": factories.PASSWORD})

    assert response["Location"] == "/newsletter/"


def test_wagtail_admin_sends_visitors_to_the_single_login(client, home_page):
    response = client.get("/admin/pages/")

    assert response.status_code == 302
    assert response["Location"].startswith("/compte/login/?next=")


def test_staff_reach_the_wagtail_admin_after_logging_in(client, home_page):
    factories.superuser(email=EMAIL)

    response = client.post("/compte/login/?next=/admin/", {"login": EMAIL, "password": factories.PASSWORD})

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


# --- Every other password form must follow the same rules --------------------------------------------


def wagtail_frontend_login(client, password):
    return client.post("/_util/login/", {"username": EMAIL, "password": password})


def checkout_gateway_login(client, password):
    if not client.session.get("checkout_basket_ready"):
        product = create_product(price=120, num_in_stock=3)
        client.post(f"/boutique/basket/add/{product.pk}/", {"quantity": 1})
        session = client.session
        session["checkout_basket_ready"] = True
        session.save()
    return client.post("/boutique/checkout/", {"username": EMAIL, "password": password, "options": "existing"})


OTHER_LOGIN_FORMS = [
    pytest.param(wagtail_frontend_login, id="wagtail-frontend-login"),
    pytest.param(checkout_gateway_login, id="oscar-checkout-gateway"),
]


@pytest.mark.parametrize("other_login", OTHER_LOGIN_FORMS)
def test_other_password_forms_refuse_an_unverified_address(client, home_page, other_login):
    factories.UserFactory(email=EMAIL, verified=False)

    other_login(client, factories.PASSWORD)

    assert not is_logged_in(client)


@pytest.mark.parametrize("other_login", OTHER_LOGIN_FORMS)
def test_other_password_forms_block_after_five_failures(client, home_page, user, other_login):
    for _ in range(5):
        other_login(client, "pas-le-bon-mot-de-passe")

    other_login(client, factories.PASSWORD)

    assert not is_logged_in(client)


def test_private_pages_send_visitors_to_the_single_login(client, home_page):
    page = factories.standard_page(home_page, title="Espace adhérents", slug="adherents")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)

    response = client.get("/adherents/")

    assert response.status_code == 302
    assert response["Location"] == "/compte/login/?next=/adherents/"
