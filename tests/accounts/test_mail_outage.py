"""When the mail server does not answer (a real refused SMTP connection), a sign-up is kept and a password
reset answers a page that says to ask again, not a 500."""

import pytest
from django.contrib.auth import get_user_model

from tests import factories

pytestmark = pytest.mark.django_db

MESSAGE = "notre serveur de courriel ne répond pas"


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens


def test_a_sign_up_is_kept_and_the_visitor_told(client, home_page, smtp_down):
    response = client.post(
        "/compte/signup/",
        {"email": "stagiaire@example.org", "password1": "Breizh-2026-ordi", "password2": "Breizh-2026-ordi"},
        follow=True,
    )
    assert response.status_code == 200
    assert get_user_model().objects.filter(email="stagiaire@example.org").exists()
    assert MESSAGE in response.content.decode()


def test_a_password_reset_answers_a_page_that_says_to_ask_again(client, home_page, smtp_down):
    factories.UserFactory(email="formatrice@example.org")
    response = client.post("/compte/password/reset/", {"email": "formatrice@example.org"}, follow=True)
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
