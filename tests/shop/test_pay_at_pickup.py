"""Payment at pickup ("paiement au retrait"): on every setup, a private buyer reserves devices for click &
collect and pays at the member's counter, which staff record at handover; the reservation holds the stock
for SHOP_PICKUP_RESERVATION_DAYS days, reminds the buyer the day before, and releases the stock by itself
once it has passed, exactly once, whatever staff do meanwhile (real threads, real transactions).
"""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from network import selectors as network_selectors
from shop.models import Checkout, Invoice, OrderStatus
from shop.services import AfterSaleRefused
from shop.services.orders import (
    order_bind_device,
    order_record_payment,
    order_set_status,
    reservations_expire,
    reservations_remind,
)
from shop.tasks import pickup_reservations
from tests.concurrency import at_once
from tests.shop.helpers import add_to_basket, checkout_form

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("base_data")]


@pytest.fixture(autouse=True)
def _no_stripe(settings):
    """The embedded default: no Stripe keys at all."""
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = ""
    settings.SHOP_PICKUP_RESERVATION_DAYS = 5


def _reserve(client, product, workshop, email="acheteur@exemple.bzh"):
    add_to_basket(client, product)
    response = client.post(
        "/boutique/checkout/",
        checkout_form(
            email=email,
            fulfilment="pickup",
            pickup_partner=workshop.workshop.partner.pk,
            method="at_pickup",
            line1="",
            postcode="",
            city="",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return Order.objects.get(guest_email=email)


def _stock(product):
    record = StockRecord.objects.get(product=product)
    return record.num_in_stock, record.num_allocated or 0


def test_a_private_buyer_sees_only_what_applies_to_them(client, stocked_product):
    add_to_basket(client, stocked_product(units=1))
    content = client.get("/boutique/checkout/").content.decode()
    assert 'value="at_pickup"' in content and 'value="card"' not in content
    assert 'name="purchase_order"' not in content and 'name="service_code"' not in content
    assert "Paiement au retrait" in content


def test_the_buyer_reserves_and_the_devices_are_held_until_the_end_of_the_last_day(client, stocked_product, workshop):
    product = stocked_product(units=2)
    mail.outbox.clear()
    order = _reserve(client, product, workshop)
    record = order.checkout
    assert order.status == OrderStatus.AWAITING_PAYMENT and record.state == Checkout.State.PLACED
    deadline = timezone.localtime(record.reserved_until)
    assert deadline.date() == timezone.localdate() + datetime.timedelta(days=5)
    assert (deadline.hour, deadline.minute) == (23, 59)
    assert _stock(product) == (2, 1)  # one unit held for the buyer
    assert not Invoice.objects.exists()  # nothing is paid yet
    page = client.get(f"/boutique/commandes/{order.number}/").content.decode()
    assert "réservés pour vous jusqu’au" in page or "réservés pour vous jusqu'au" in page
    (message,) = [m for m in mail.outbox if order.number in m.subject]
    assert "réservés pour vous jusqu" in message.body and "au guichet" in message.body
    assert workshop.name in message.body


def test_payment_at_pickup_is_for_orders_collected_at_an_association(client, stocked_product):
    add_to_basket(client, stocked_product(units=1))
    response = client.post("/boutique/checkout/", checkout_form(method="at_pickup"))
    assert response.status_code == 200 and "method" in response.context["form"].errors
    assert "3 rue de la Soif" in response.content.decode()  # the buyer's input is kept
    assert not Order.objects.exists()


def test_staff_record_the_payment_at_handover_then_hand_the_device_over(client, stocked_product, workshop):
    product = stocked_product(units=1)
    order = _reserve(client, product, workshop)
    with pytest.raises(AfterSaleRefused):
        order_record_payment(order=order, actor=None, means="")  # how the buyer paid must be said
    order_record_payment(order=order, actor=None, means="cheque", reference="n° 1234567")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.checkout.state == Checkout.State.PAID
    assert order.sources.get().reference == "chèque n° 1234567"
    assert Invoice.objects.filter(order=order).exists()
    device = product.listed_devices.get().device
    order_bind_device(line=order.lines.get(), asset_tag=device.asset_tag, actor=None)
    order_set_status(order=order, status=OrderStatus.HANDED_OVER, actor=None)
    device.refresh_from_db()
    assert device.status == device.Status.SOLD and device.outcome_category == "individual"


def test_a_reservation_is_never_counted_as_revenue_before_the_payment(client, stocked_product, workshop):
    order = _reserve(client, stocked_product(units=1), workshop)
    today = timezone.localdate()
    period = network_selectors.Period(start=today - datetime.timedelta(days=1), end=today)
    revenue = {row["association"].pk: row["revenue"] for row in network_selectors.members_table(period)}
    assert revenue.get(workshop.pk, 0) == 0
    order_record_payment(order=order, actor=None, means="cash")
    revenue = {row["association"].pk: row["revenue"] for row in network_selectors.members_table(period)}
    assert revenue[workshop.pk] == order.total_incl_tax


def test_a_passed_reservation_is_cancelled_and_its_stock_released_once(client, stocked_product, workshop):
    product = stocked_product(units=1)
    order = _reserve(client, product, workshop)
    Checkout.objects.filter(order=order).update(reserved_until=timezone.now() - datetime.timedelta(minutes=1))
    mail.outbox.clear()
    assert pickup_reservations() == {"reminded": 0, "expired": 1}
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.checkout.state == Checkout.State.CANCELLED
    assert _stock(product) == (1, 0)
    assert [m.subject for m in mail.outbox] == [f"Réservation terminée – commande {order.number}"]
    assert reservations_expire() == 0 and _stock(product) == (1, 0)
    with pytest.raises(AfterSaleRefused):
        order_record_payment(order=order, actor=None, means="cash")


def test_a_reservation_still_running_is_kept(client, stocked_product, workshop):
    product = stocked_product(units=1)
    order = _reserve(client, product, workshop)
    assert reservations_expire() == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT and _stock(product) == (1, 1)


def test_expiry_run_twice_at_once_releases_the_stock_exactly_once(stocked_product, workshop):
    """Two units, two buyers: only the passed reservation is released, once, even by two workers at once
    (a double release would free the other buyer's unit)."""
    product = stocked_product(units=2)
    passed = _reserve(Client(), product, workshop, email="premier@exemple.bzh")
    _reserve(Client(), product, workshop, email="second@exemple.bzh")
    assert _stock(product) == (2, 2)
    Checkout.objects.filter(order=passed).update(reserved_until=timezone.now() - datetime.timedelta(hours=1))
    results = at_once(reservations_expire, reservations_expire)
    assert sorted(results) == [0, 1]
    assert _stock(product) == (2, 1)


@pytest.mark.parametrize("attempt", range(3))
def test_expiry_and_a_payment_at_the_same_moment_give_one_outcome(stocked_product, workshop, attempt):
    """The counter records the payment while the reservation's last minute passes: either the buyer paid
    (stock kept for them) or the reservation ended (stock released, the payment refused) — never both."""
    product = stocked_product(units=1)
    order = _reserve(Client(), product, workshop)
    Checkout.objects.filter(order=order).update(reserved_until=timezone.now() - datetime.timedelta(seconds=1))

    def pay():
        try:
            order_record_payment(order=Order.objects.get(pk=order.pk), actor=None, means="card_terminal")
        except AfterSaleRefused:
            return "refused"
        return "paid"

    payment, expired = at_once(pay, reservations_expire)
    order.refresh_from_db()
    if payment == "paid":
        assert expired == 0 and order.status == OrderStatus.PAID and _stock(product) == (1, 1)
    else:
        assert expired == 1 and order.status == OrderStatus.CANCELLED and _stock(product) == (1, 0)
        assert not Invoice.objects.filter(order=order).exists()


def test_the_buyer_is_reminded_once_the_day_before(client, stocked_product, workshop):
    order = _reserve(client, stocked_product(units=1), workshop)
    record = order.checkout
    assert reservations_remind() == 0  # five days left
    mail.outbox.clear()
    day_before = record.reserved_until - datetime.timedelta(hours=20)
    assert reservations_remind(now=day_before) == 1
    assert reservations_remind(now=day_before) == 0
    (reminder,) = mail.outbox
    assert reminder.subject == f"Votre réservation se termine bientôt – commande {order.number}"
    assert "au guichet" in reminder.body and workshop.name in reminder.body
