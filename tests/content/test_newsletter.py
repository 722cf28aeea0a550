"""Circul'lettre: double opt-in by a signed, expiring link; unsubscribe in one click; rate-limited form."""

import re
import time
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from content import newsletter
from content.forms import NewsletterForm
from content.models import Subscriber
from tests import factories

pytestmark = pytest.mark.django_db

EMAIL = "lea.morvan@exemple.bzh"


def link_paths(body):
    """The paths of the site's links in an e-mail body."""
    return [urlsplit(url).path for url in re.findall(r"http://testserver/\S+", body)]


def confirm_path(body):
    [path] = [p for p in link_paths(body) if p.startswith("/newsletter/confirmer/")]
    return path


def unsubscribe_path(body):
    [path] = [p for p in link_paths(body) if p.startswith("/newsletter/desinscription/")]
    return path


@pytest.fixture
def subscribe(client, django_capture_on_commit_callbacks):
    """POST the subscription form as a visitor does; e-mails leave once the transaction commits."""

    def post(email=EMAIL, consent=True, **extra):
        data = {"email": email}
        if consent:
            data["consent"] = "on"
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/newsletter/", data, **extra)

    return post


# --- Subscribing ---------------------------------------------------------------------------------


def test_subscribing_records_a_pending_subscriber_and_mails_a_confirmation_link(subscribe, mailoutbox):
    response = subscribe(email="  Lea.Morvan@Exemple.BZH ")

    assert response.status_code == 302
    assert response["Location"] == "/newsletter/envoye/"
    subscriber = Subscriber.objects.get()
    assert subscriber.email == EMAIL
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.confirmed_at is None
    [mail] = mailoutbox
    assert mail.to == [EMAIL]
    assert confirm_path(mail.body)
    assert unsubscribe_path(mail.body)


def test_sent_page_tells_the_visitor_to_check_their_mail(client, subscribe):
    response = client.get(subscribe()["Location"])

    assert response.status_code == 200
    assert gettext("Check your e-mail") in response.content.decode()


def test_confirmation_link_shows_a_button_and_changes_nothing_by_itself(client, subscribe, mailoutbox):
    subscribe()

    response = client.get(confirm_path(mailoutbox[0].body))

    content = response.content.decode()
    assert response.status_code == 200
    assert EMAIL in content
    assert '<form method="post">' in content
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING  # link scanners only GET


def test_posting_the_confirmation_confirms_the_subscription(client, subscribe, mailoutbox):
    subscribe()
    before = timezone.now()

    response = client.post(confirm_path(mailoutbox[0].body), follow=True)

    assert response.redirect_chain == [("/newsletter/confirme/", 302)]
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.confirmed_at >= before
    message = gettext("Your subscription to the Circul'lettre is confirmed. Thank you!")
    assert escape(message) in response.content.decode()


def test_expired_confirmation_link_offers_a_new_one(client):
    subscriber = factories.SubscriberFactory(email=EMAIL)
    issued_four_days_ago = time.time() - 4 * 24 * 3600
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: issued_four_days_ago)
        token = newsletter.confirm_token(subscriber)

    get = client.get(f"/newsletter/confirmer/{token}/")
    post = client.post(f"/newsletter/confirmer/{token}/")

    assert get.status_code == 410
    assert post.status_code == 410
    content = get.content.decode()
    assert gettext("This link has expired") in content
    assert 'action="/newsletter/"' in content and 'name="email"' in content
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.confirmed_at is None


def test_confirmation_link_still_works_on_the_third_day(client):
    subscriber = factories.SubscriberFactory(email=EMAIL)
    issued_71_hours_ago = time.time() - 71 * 3600
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: issued_71_hours_ago)
        token = newsletter.confirm_token(subscriber)

    client.post(f"/newsletter/confirmer/{token}/")

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_tampered_confirmation_link_is_refused(client, subscribe, mailoutbox):
    subscribe()
    path = confirm_path(mailoutbox[0].body)
    token = path.split("/")[-2]
    other_subscriber = factories.SubscriberFactory()
    forged = signing.dumps(other_subscriber.pk, salt="another-salt")

    for bad_token in (token[:-1] + ("A" if token[-1] != "A" else "B"), forged):
        response = client.post(f"/newsletter/confirmer/{bad_token}/")
        assert response.status_code == 404
        assert gettext("This link is not valid") in response.content.decode()

    assert set(Subscriber.objects.values_list("status", flat=True)) == {Subscriber.Status.PENDING}


def test_unsubscribe_link_cannot_confirm(client, subscribe, mailoutbox):
    subscribe()
    token = unsubscribe_path(mailoutbox[0].body).split("/")[-2]

    response = client.post(f"/newsletter/confirmer/{token}/")

    assert response.status_code == 404
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_subscribing_again_while_confirmed_only_says_so(subscribe, mailoutbox):
    confirmed_at = timezone.now() - timezone.timedelta(days=30)
    factories.SubscriberFactory(email=EMAIL, status=Subscriber.Status.CONFIRMED, confirmed_at=confirmed_at)

    response = subscribe()

    assert response["Location"] == "/newsletter/envoye/"  # the page does not reveal who is subscribed
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.confirmed_at == confirmed_at
    [mail] = mailoutbox
    assert mail.to == [EMAIL]
    assert mail.subject == gettext("You are already subscribed to the Circul'lettre")
    assert not [p for p in link_paths(mail.body) if p.startswith("/newsletter/confirmer/")]
    assert unsubscribe_path(mail.body)


def test_subscribing_again_while_pending_sends_a_fresh_link(client, subscribe, mailoutbox):
    subscribe()
    subscribe()

    assert Subscriber.objects.count() == 1
    assert len(mailoutbox) == 2
    client.post(confirm_path(mailoutbox[1].body))
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_unsubscribed_address_can_subscribe_again(subscribe, mailoutbox):
    factories.SubscriberFactory(email=EMAIL, status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())

    subscribe()

    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.unsubscribed_at is None
    assert confirm_path(mailoutbox[0].body)


def test_missing_consent_keeps_the_address_and_explains(subscribe, mailoutbox):
    response = subscribe(consent=False)

    assert response.status_code == 200
    content = response.content.decode()
    assert f'value="{EMAIL}"' in content
    assert escape(str(NewsletterForm.base_fields["consent"].error_messages["required"])) in content
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


def french(message):
    with translation.override("fr"):
        return gettext(message)


def test_missing_consent_is_explained_in_french(subscribe):
    english = "Please tick the box to confirm your subscription request."

    content = subscribe(consent=False).content.decode()

    assert french(english) != english
    assert escape(french(english)) in content


def test_rate_limit_is_explained_in_french(subscribe):
    english = "Too many requests from your connection. Please try again in a few minutes."
    for n in range(5):
        subscribe(email=f"personne{n}@exemple.bzh")

    content = subscribe(email="de-trop@exemple.bzh").content.decode()

    assert french(english) != english
    assert escape(french(english)) in content


def test_sixth_subscription_within_ten_minutes_from_one_address_is_refused(subscribe, mailoutbox):
    for n in range(5):
        assert subscribe(email=f"personne{n}@exemple.bzh").status_code == 302

    response = subscribe(email="de-trop@exemple.bzh")

    assert response.status_code == 429
    content = response.content.decode()
    assert escape(gettext("Too many requests from your connection. Please try again in a few minutes.")) in content
    assert 'value="de-trop@exemple.bzh"' in content
    assert Subscriber.objects.count() == 5
    assert not Subscriber.objects.filter(email="de-trop@exemple.bzh").exists()
    assert len(mailoutbox) == 5


def test_rate_limit_counts_per_client_address(subscribe):
    for n in range(5):
        subscribe(email=f"personne{n}@exemple.bzh")

    response = subscribe(email="voisine@exemple.bzh", REMOTE_ADDR="192.0.2.7")

    assert response.status_code == 302
    assert Subscriber.objects.filter(email="voisine@exemple.bzh").exists()


# --- Unsubscribing -------------------------------------------------------------------------------


@pytest.fixture
def confirmed_subscriber():
    return factories.SubscriberFactory(email=EMAIL, status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now())


def test_unsubscribe_link_shows_a_button_and_changes_nothing_by_itself(client, confirmed_subscriber):
    response = client.get(urlsplit(confirmed_subscriber.unsubscribe_url()).path)

    content = response.content.decode()
    assert response.status_code == 200
    assert EMAIL in content
    assert '<form method="post">' in content
    confirmed_subscriber.refresh_from_db()
    assert confirmed_subscriber.status == Subscriber.Status.CONFIRMED


def test_posting_the_unsubscribe_form_unsubscribes(client, confirmed_subscriber):
    response = client.post(urlsplit(confirmed_subscriber.unsubscribe_url()).path)

    assert response.status_code == 200
    assert gettext("You are unsubscribed") in response.content.decode()
    confirmed_subscriber.refresh_from_db()
    assert confirmed_subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert confirmed_subscriber.unsubscribed_at is not None


def test_unsubscribe_link_from_the_confirmation_mail_works(client, subscribe, mailoutbox):
    subscribe()

    client.post(unsubscribe_path(mailoutbox[0].body))

    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


def test_one_click_unsubscribe_from_a_mail_client_needs_no_csrf_token(confirmed_subscriber):
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        urlsplit(confirmed_subscriber.unsubscribe_url()).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    confirmed_subscriber.refresh_from_db()
    assert confirmed_subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_unsubscribe_link_of_an_unsubscribed_address_says_so(client, confirmed_subscriber):
    path = urlsplit(confirmed_subscriber.unsubscribe_url()).path
    client.post(path)

    content = client.get(path).content.decode()

    assert '<form method="post">' not in content
    assert EMAIL in content


def test_tampered_unsubscribe_link_is_refused(client, confirmed_subscriber):
    path = urlsplit(confirmed_subscriber.unsubscribe_url()).path
    token = path.split("/")[-2]

    response = client.post(f"/newsletter/desinscription/{token[:-2]}xx/")

    assert response.status_code == 404
    confirmed_subscriber.refresh_from_db()
    assert confirmed_subscriber.status == Subscriber.Status.CONFIRMED
