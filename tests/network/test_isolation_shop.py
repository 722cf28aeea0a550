"""The shop's back office (`/admin/boutique/`): each member's counter reaches their own member's orders only; the
network coordinator reaches every member's.

As in `test_isolation.py`, the URLs are read from the URL configuration and every one must be classified
below, so a URL added later without thinking of members makes `test_every_shop_back_office_url_is_classified`
fail. An order belongs to the members whose workshop holds one of its lines or is its pickup place; its steps
(payment, device, status, refund) follow it. A quote request is the network's until a counter answers it, then
the answering member's. Buyer organisations are the network's (see NETWORK_WIDE).
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from devices.models import Association, Device, Membership
from shop.models import Invoice, OrderStatus, Organisation, Quote, Withdrawal
from shop.services.listings import workshop_partner
from shop.services.orders import order_bind_device, order_set_status
from tests.network.helpers import back_office_urls as urls_under
from tests.shop.helpers import invoice_order, listed_product, verified_buyer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("base_data")]

Order = get_model("order", "Order")
BACK_OFFICES = ("admin/boutique/",)

# URL name → the kind of object its arguments designate.
OBJECT_OF_URL = {
    "shop_admin:order": "order",
    "shop_admin:payment": "order",
    "shop_admin:bind": "order",
    "shop_admin:status": "order",
    "shop_admin:refund": "order",
    "shop_admin:deliver_part": "order",
    "shop_admin:correct": "order",
    "shop_admin:invoice": "invoice",
    "shop_admin:attestation": "attestation",
    "shop_admin:quote_answer": "answered_quote",
    "shop_admin:quote_signed_order": "answered_quote",
    "shop_admin:organisation_verify": "organisation",
}
# Shared by the whole network on purpose. Buyer organisations (a CCAS, a school, a craftsman) are the
# network's customers: one organisation buys from any member, and its verification (the SIRET checked in the
# public directory) is the same for all, so any counter may verify it once for all — a member-scoped list
# would mean the same buyer verified eight times, or refused at the next member's pickup place.
NETWORK_WIDE = {"organisation"}
# The pages without an object: each is cut down to the user's members (tested below).
PAGES = {
    "shop_admin:home",
    "shop_admin:orders",
    "shop_admin:withdrawals",
    "shop_admin:organisations",
    "shop_admin:quotes",
    "shop_admin:invoices",
    "shop_admin:attestations",
    # Network-wide on purpose: a solidarity voucher may be used at any member's counter; the page shows its
    # state and its holder's category only (tests/shop/test_solidarity_vouchers.py).
    "shop_admin:voucher_check",
}


def back_office_urls():
    return urls_under(BACK_OFFICES)


def test_every_shop_back_office_url_is_classified():
    urls = back_office_urls()
    assert len(urls) >= 12
    unclassified = [
        (route, name)
        for route, name, arguments in urls
        if (arguments and name not in OBJECT_OF_URL) or (not arguments and name not in PAGES)
    ]
    assert unclassified == [], "a new shop back-office URL: say whose objects it reaches"
    assert set(OBJECT_OF_URL) | PAGES == {name for _route, name, _arguments in urls}


def _staff(email, association=None, *, coordinator=False):
    user = get_user_model().objects.create_user(email=email, password="x")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name="Shop"))
    if association is not None:
        Membership.objects.create(user=user, association=association, role=Membership.Role.SHOP_COUNTER)
    if coordinator:
        user.groups.add(Group.objects.get(name="Network coordinators"))
    return user


@pytest.fixture
def network():
    """Two members, each with a product in stock, an order on invoice collected there (withdrawn from), a quote
    it answered and its counter; a quote request and an organisation to verify, for the network; a coordinator."""
    objects = {}
    for key, name, slug in (("a", "Déclic", "declic"), ("b", "Atelier du Léon", "leon")):
        association = Association.objects.create(name=name, slug=slug, city="Redon")
        product = listed_product(association, units=3)
        buyer = get_user_model().objects.create_user(email=f"acheteur@{slug}.example", password="x")
        organisation = verified_buyer(buyer, name=f"CCAS {name}")
        order = invoice_order(buyer, [product], pickup_partner=workshop_partner(association))
        withdrawal = Withdrawal.objects.create(order=order, reason="Pour le test")
        # Delivered on invoice: its invoice (the member's own series) and the year's reuse attestation.
        delivered = invoice_order(buyer, [product], pickup_partner=workshop_partner(association))
        line = delivered.lines.get()
        order_bind_device(
            line=line, asset_tag=product.listed_devices.filter(order_line__isnull=True)[0].device.asset_tag, actor=None
        )
        order_set_status(order=delivered, status=OrderStatus.HANDED_OVER, actor=None)
        answered = Quote.objects.create(
            organisation=organisation,
            requested_by=buyer,
            state=Quote.State.ANSWERED,
            answered_at=timezone.now(),
            association=association,
        )
        answered.signed_order.save("bon-signe.pdf", ContentFile(b"%PDF-1.4 signed purchase order"))
        objects[key] = {
            "association": association,
            "product": product,
            "buyer": buyer,
            "order": order,
            "withdrawal": withdrawal,
            "answered_quote": answered,
            "invoice": delivered.invoices.get(),
            "attestation": {"organisation": organisation.pk, "year": timezone.localdate().year, "seller": slug},
            "counter": _staff(f"comptoir@{slug}.example", association),
        }
    requester = objects["a"]["buyer"]
    objects["requested_quote"] = Quote.objects.create(
        organisation=requester.organisations.get(), requested_by=requester, message="Dix portables"
    )
    objects["organisation"] = Organisation.objects.create(
        name="École Diwan",
        kind=Organisation.Kind.SCHOOL,
        siret="19290000000000",
        billing_line1="Straed ar skol",
        billing_postcode="29200",
        billing_city="Brest",
        billing_email="skol@diwan.example",
    )
    objects["coordinator"] = _staff("coordination@ogo.example", coordinator=True)
    return objects


def _url(name, arguments, source):
    """The URL of `name` for the object of its kind in `source` (one member's objects, or the network's)."""
    obj = source[OBJECT_OF_URL[name]]
    if isinstance(obj, dict):  # an attestation: buyer, year and seller
        return reverse(name, kwargs=obj)
    if isinstance(obj, Invoice):
        return reverse(name, kwargs={"number": obj.order.number, "pk": obj.pk})
    lookup = obj.number if isinstance(obj, Order) else obj.pk
    return reverse(name, kwargs={argument: lookup for argument in arguments})


def _source(network, member, name):
    return network if OBJECT_OF_URL[name] in NETWORK_WIDE else network[member]


def _answer(client, url):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return response.status_code


def _member_urls():
    return [(name, arguments) for _route, name, arguments in back_office_urls() if arguments and name in OBJECT_OF_URL]


def test_a_counter_gets_404_for_every_object_of_another_member(client, network):
    client.force_login(network["a"]["counter"])
    theirs = network["b"]
    checked = []
    for name, arguments in _member_urls():
        if OBJECT_OF_URL[name] in NETWORK_WIDE:
            continue
        url = _url(name, arguments, theirs)
        status = _answer(client, url)
        assert status == 404, f"{name} {url}: {status}"
        checked.append(name)
    assert {"shop_admin:order", "shop_admin:payment", "shop_admin:bind", "shop_admin:status"} <= set(checked)
    assert {"shop_admin:refund", "shop_admin:quote_answer"} <= set(checked)
    # And nothing of member B moved.
    theirs["order"].refresh_from_db()
    theirs["withdrawal"].refresh_from_db()
    assert theirs["order"].status == OrderStatus.CONFIRMED and theirs["order"].invoices.count() == 0
    assert Invoice.objects.filter(seller=theirs["association"], kind="credit_note").count() == 0
    assert theirs["withdrawal"].state == Withdrawal.State.REQUESTED


def test_a_counter_reaches_the_objects_of_their_own_member(client, network):
    client.force_login(network["a"]["counter"])
    for name, arguments in _member_urls():
        status = _answer(client, _url(name, arguments, _source(network, "a", name)))
        assert status not in (403, 404), f"{name}: {status}"


def test_the_coordinator_reaches_the_objects_of_both_members(client, network):
    client.force_login(network["coordinator"])
    for member in ("a", "b"):
        for name, arguments in _member_urls():
            status = _answer(client, _url(name, arguments, _source(network, member, name)))
            assert status not in (403, 404), f"{name} for member {member}: {status}"


def test_lists_show_nothing_of_another_member(client, network):
    mine, theirs = network["a"], network["b"]
    client.force_login(mine["counter"])
    orders = client.get(reverse("shop_admin:orders")).content.decode()
    assert mine["order"].number in orders and theirs["order"].number not in orders
    assert 'name="membre"' not in orders  # one member: no filter by member
    withdrawals = client.get(reverse("shop_admin:withdrawals")).content.decode()
    assert mine["order"].number in withdrawals and theirs["order"].number not in withdrawals
    quotes = client.get(reverse("shop_admin:quotes")).content.decode()
    assert mine["answered_quote"].reference in quotes and network["requested_quote"].reference in quotes
    assert theirs["answered_quote"].reference not in quotes
    organisations = client.get(reverse("shop_admin:organisations")).content.decode()
    assert "École Diwan" in organisations and "CCAS Atelier du Léon" in organisations  # the network's customers


def test_the_coordinator_lists_every_member_and_filters_by_member(client, network):
    mine, theirs = network["a"], network["b"]
    client.force_login(network["coordinator"])
    orders = client.get(reverse("shop_admin:orders")).content.decode()
    assert mine["order"].number in orders and theirs["order"].number in orders
    assert 'name="membre"' in orders and "Atelier du Léon" in orders
    filtered = client.get(reverse("shop_admin:orders"), {"membre": "leon"}).content.decode()
    assert theirs["order"].number in filtered and mine["order"].number not in filtered
    withdrawals = client.get(reverse("shop_admin:withdrawals")).content.decode()
    assert mine["order"].number in withdrawals and theirs["order"].number in withdrawals
    quotes = client.get(reverse("shop_admin:quotes")).content.decode()
    assert mine["answered_quote"].reference in quotes and theirs["answered_quote"].reference in quotes


def test_a_quote_request_is_the_networks_until_a_member_answers_it(client, network):
    request = network["requested_quote"]
    other = type(client)()
    other.force_login(network["b"]["counter"])
    assert request.reference in other.get(reverse("shop_admin:quotes")).content.decode()

    client.force_login(network["a"]["counter"])
    response = client.post(reverse("shop_admin:quote_answer", args=[request.pk]), {"valid_days": "30"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == Quote.State.ANSWERED and request.association == network["a"]["association"]

    # From now on it is member A's: B's counter no longer lists nor reaches it.
    assert request.reference not in other.get(reverse("shop_admin:quotes")).content.decode()
    assert other.post(reverse("shop_admin:quote_answer", args=[request.pk]), {}).status_code == 404


def test_a_counter_answers_only_for_their_own_member(client, network):
    request = network["requested_quote"]
    client.force_login(network["a"]["counter"])
    client.post(
        reverse("shop_admin:quote_answer", args=[request.pk]),
        {"valid_days": "30", "association": network["b"]["association"].pk},
    )
    request.refresh_from_db()
    assert request.state == Quote.State.REQUESTED and request.association is None


def test_a_counter_cannot_bind_a_device_of_another_members_workshop(client, network):
    """One seller per order: its counter scans devices of its own workshop only; the other member's counter
    does not reach the order at all."""
    mine, theirs = network["a"], network["b"]
    order = invoice_order(mine["buyer"], [mine["product"]])
    my_line = order.lines.get()
    my_device = mine["product"].listed_devices.filter(order_line__isnull=True).first().device
    their_device = theirs["product"].listed_devices.filter(order_line__isnull=True).first().device
    bind = reverse("shop_admin:bind", args=[order.number])

    client.force_login(mine["counter"])
    response = client.post(bind, {"line": my_line.pk, "asset_tag": their_device.asset_tag}, follow=True)
    assert their_device.asset_tag in response.content.decode()  # the refusal names the device
    their_device.refresh_from_db()
    assert their_device.status == Device.Status.LISTED and not my_line.bound_devices.exists()
    client.post(bind, {"line": my_line.pk, "asset_tag": my_device.asset_tag})
    my_device.refresh_from_db()
    assert my_device.status == Device.Status.SOLD and my_line.bound_devices.get().device == my_device

    other = type(client)()
    other.force_login(theirs["counter"])
    assert other.get(reverse("shop_admin:order", args=[order.number])).status_code == 404
    assert other.post(bind, {"line": my_line.pk, "asset_tag": their_device.asset_tag}).status_code == 404


def test_a_basket_of_two_members_is_refused_at_checkout_with_a_reason(network):
    from shop.services import CheckoutRefused

    with pytest.raises(CheckoutRefused, match="chaque association vend et facture"):
        invoice_order(network["a"]["buyer"], [network["a"]["product"], network["b"]["product"]])
