"""With the broker unreachable (a real refused connection: nothing listens on the port), a request that queues
an e-mail still succeeds: the e-mail is sent from the request, and the failure is logged."""

import pytest
from celery import current_app

pytestmark = pytest.mark.django_db(transaction=True)


def _forget_connections():
    """Drop the app's connection and producer pools (as Celery does after a fork): the next task connects to
    the broker the configuration names now, not to one an earlier test connected to."""
    current_app._pool = None
    current_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    conf = current_app.conf
    saved = {"task_always_eager": conf.task_always_eager, "broker_url": conf.broker_url}
    conf.task_always_eager = False
    conf.broker_url = "redis://127.0.0.1:9/0"  # the discard port
    _forget_connections()
    yield
    conf.update(saved)
    _forget_connections()


def test_a_newsletter_subscription_sends_its_confirmation_from_the_request(
    client, home_page, broker_down, mailoutbox, caplog
):
    response = client.post("/newsletter/", {"email": "lectrice@example.org", "consent": "on"})
    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [["lectrice@example.org"]]
    assert "broker unreachable" in caplog.text


def test_the_task_still_goes_through_the_broker_when_it_answers(settings):
    from content.tasks import send_plain_email
    from reemploi.queue import enqueue

    result = enqueue(send_plain_email, subject="Essai", body="Corps", to=["a@example.org"], from_email="b@example.org")
    assert result.successful()  # eager in the tests: run at once, as by a worker
