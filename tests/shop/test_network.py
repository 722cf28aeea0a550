"""The shop in the network of members: the counter's landing page, the workshop a new member gets, the pickup
place read from the member's record, quotes answered for a member, Oscar's dashboard for coordinators only.

Isolation between members in the back office: `tests/network/test_isolation_shop.py`.
"""

import datetime

import django.apps
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from devices.models import Association, Membership
from shop import emails
from shop.models import Checkout, Invoice, ListedDevice, OrderStatus, Organisation, Quote, Withdrawal, Workshop
from shop.services.listings import workshop_partner
from shop.services.orders import order_bind_device, order_record_payment, order_set_status
from tests import factories
from tests.shop.helpers import add_to_basket, invoice_order, listed_product, verified_buyer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("base_data")]

Order = get_model("order", "Order")
Partner = get_model("partner", "Partner")

HOURS = "Mardi–vendredi : 14 h – 18 h\nSamedi : 10 h – 12 h 30"


@pytest.fixture
def members():
    declic = Association.objects.create(
        name="Déclic", slug="declic", street="12 rue de Vannes", postcode="35600", city="Redon", opening_hours=HOURS
    )
    leon = Association.objects.create(name="Atelier du Léon", slug="leon", postcode="29200", city="Brest")
    return declic, leon


def _counter(association, email="comptoir@declic.example"):
    user = factories.UserFactory(email=email, is_staff=True)
    user.groups.add(Group.objects.get(name="Shop"))
    Membership.objects.create(user=user, association=association, role=Membership.Role.SHOP_COUNTER)
    return user


def _coordinator():
    user = factories.UserFactory(email="coordination@ogo.example", is_staff=True)
    user.groups.add(Group.objects.get(name="Network coordinators"))
    return user


# --- A new member's workshop -------------------------------------------------------------------------------


def test_a_new_member_gets_its_workshop_and_pickup_place_at_once():
    association = Association.objects.create(name="Ti Numérik", slug="ti-numerik", city="Quimper")
    workshop = Workshop.objects.select_related("partner").get(association=association)
    assert workshop.partner.name == "Ti Numérik" and workshop.partner.code == "atelier-ti-numerik"
    assert workshop_partner(association) == workshop.partner  # the listing's lookup finds it, no second one
    association.name = "Ti Numérik Kemper"
    association.save()
    workshop.partner.refresh_from_db()
    assert workshop.partner.name == "Ti Numérik Kemper" and Partner.objects.count() == 1


def test_a_raw_save_such_as_loaddata_creates_no_workshop():
    association = Association(name="Fixture", slug="fixture")
    association.save_base(raw=True)
    assert not Workshop.objects.filter(association=association).exists()


def test_the_migration_gives_existing_members_their_workshop():
    import importlib

    migration = importlib.import_module("shop.migrations.0004_network_members")
    old = Association(name="Ancien membre", slug="ancien")
    old.save_base(raw=True)
    adopted = Partner.objects.create(name="Atelier ancien", code="atelier-ancien")
    migration.workshops_for_existing_members(django.apps.apps, None)
    assert Workshop.objects.get(association=old).partner == adopted
    migration.workshops_for_existing_members(django.apps.apps, None)  # again: nothing more
    assert Workshop.objects.filter(association=old).count() == 1


# --- The pickup place, read from the member's record -------------------------------------------------------


def test_the_checkout_shows_the_pickup_members_address_and_hours(client, members):
    declic, _leon = members
    add_to_basket(client, listed_product(declic))
    content = client.get("/boutique/checkout/").content.decode()
    assert "12 rue de Vannes" in content and "35600 Redon" in content
    assert "Mardi–vendredi : 14 h – 18 h" in content and "Samedi : 10 h – 12 h 30" in content


def test_the_order_emails_give_the_pickup_members_address_and_hours(members):
    declic, _leon = members
    buyer = factories.UserFactory(email="ccas@example.org")
    verified_buyer(buyer)
    order = invoice_order(buyer, [listed_product(declic)], pickup_partner=workshop_partner(declic))
    record = Checkout.objects.get(order=order)
    for kind in ("received", "ready"):
        emails.order_email_send(checkout=record, kind=kind)
    received, ready = mail.outbox[-2:]
    for message in (received, ready):
        assert "Déclic\n12 rue de Vannes\n35600 Redon\n" in message.body
        assert "Mardi–vendredi : 14 h – 18 h" in message.body and "Samedi : 10 h – 12 h 30" in message.body
    # Delivered orders name no pickup place.
    delivered = invoice_order(buyer, [listed_product(declic)])
    emails.order_email_send(checkout=Checkout.objects.get(order=delivered), kind="received")
    assert "12 rue de Vannes" not in mail.outbox[-1].body


# --- What waits today ---------------------------------------------------------------------------------------


def _free_tag(product) -> str:
    """A device of `product` still on offer."""
    return ListedDevice.objects.filter(product=product, order_line__isnull=True).values_list(
        "device__asset_tag", flat=True
    )[0]


def test_the_landing_page_counts_what_waits_for_the_counters_members(client, members):
    declic, leon = members
    buyer = factories.UserFactory(email="ccas@example.org")
    organisation = verified_buyer(buyer)
    here = workshop_partner(declic)
    product = listed_product(declic, units=5)
    awaiting = invoice_order(buyer, [product], pickup_partner=here)  # on invoice, to deliver
    at_counter = {"pickup_partner": here, "method": Checkout.Method.AT_PICKUP}
    paid = invoice_order(buyer, [product], **at_counter)
    ready = invoice_order(buyer, [product], **at_counter)
    withdrawn = invoice_order(buyer, [product], **at_counter)
    for order in (paid, ready, withdrawn):
        order_record_payment(order=order, actor=None, reference=f"REC-{order.number}", means="cash")
    order_set_status(order=ready, status=OrderStatus.READY_FOR_PICKUP, actor=None)
    # Delivered on invoice, and its invoice past due.
    overdue = invoice_order(buyer, [product], pickup_partner=here)
    order_bind_device(line=overdue.lines.get(), asset_tag=_free_tag(product), actor=None)
    order_set_status(order=overdue, status=OrderStatus.HANDED_OVER, actor=None)
    Invoice.objects.filter(order=overdue).update(due_date=timezone.localdate() - datetime.timedelta(days=3))
    Withdrawal.objects.create(order=withdrawn)
    Order.objects.filter(pk=withdrawn.pk).update(status=OrderStatus.WITHDRAWN)
    # Another member's orders are not counted for Déclic's counter.
    elsewhere = listed_product(leon, units=2)
    invoice_order(buyer, [elsewhere], pickup_partner=workshop_partner(leon))
    invoice_order(buyer, [elsewhere], pickup_partner=workshop_partner(leon))
    # The network's: one quote request, one organisation to verify.
    Quote.objects.create(organisation=organisation, requested_by=buyer)
    Organisation.objects.create(
        name="École Diwan",
        kind=Organisation.Kind.SCHOOL,
        siret="19290000000000",
        billing_line1="Straed ar skol",
        billing_postcode="29200",
        billing_city="Brest",
        billing_email="skol@diwan.example",
    )

    client.force_login(_counter(declic))
    response = client.get(reverse("shop_admin:home"))
    assert response.status_code == 200
    counts = {row["kind"]: row["count"] for row in response.context["member_rows"] + response.context["network_rows"]}
    assert counts == {
        "to_prepare": 1,
        "awaiting_pickup": 1,
        "to_deliver": 1,
        "overdue_invoices": 1,
        "withdrawals_to_refund": 1,
        "quotes_to_answer": 1,
        "organisations_to_verify": 1,
    }
    content = response.content.decode()
    assert "Déclic" in content and "Atelier du Léon" not in content
    assert '<h2 class="w-h2" id="members-waiting-title">' in content
    # Each count links to its list, which shows what was counted.
    links = {row["kind"]: row["url"] for row in response.context["member_rows"]}
    assert links["to_deliver"] in content.replace("&amp;", "&")
    listed = client.get(links["to_deliver"]).content.decode()
    assert awaiting.number in listed and paid.number not in listed and overdue.number not in listed
    listed = client.get(links["overdue_invoices"]).content.decode()
    assert Invoice.objects.get(order=overdue).number in listed
    listed = client.get(links["to_prepare"]).content.decode()
    assert paid.number in listed and ready.number not in listed and awaiting.number not in listed

    client.force_login(_coordinator())
    response = client.get(reverse("shop_admin:home"))
    counts = {row["kind"]: row["count"] for row in response.context["member_rows"]}
    assert counts["to_deliver"] == 3  # both members'


def test_a_counter_without_membership_is_told_so(client):
    user = factories.UserFactory(email="nouvelle@reemploi.example", is_staff=True)
    user.groups.add(Group.objects.get(name="Shop"))
    client.force_login(user)
    response = client.get(reverse("shop_admin:home"))
    assert response.status_code == 200
    assert response.context["member_rows"][0]["count"] == 0
    assert "member administrator" in response.content.decode() or "administrat" in response.content.decode()


# --- Quotes answered for a member ---------------------------------------------------------------------------


def test_a_counter_of_two_members_chooses_which_one_answers(client, members):
    declic, leon = members
    buyer = factories.UserFactory(email="ccas@example.org")
    quote = Quote.objects.create(organisation=verified_buyer(buyer), requested_by=buyer)
    counter = _counter(declic)
    Membership.objects.create(user=counter, association=leon, role=Membership.Role.SHOP_COUNTER)
    client.force_login(counter)
    page = client.get(reverse("shop_admin:quotes"))
    (_quote, steps) = page.context["quotes"][0]
    field = steps[0]["form"].fields["association"]
    assert list(field.queryset.order_by("name")) == [leon, declic] and field.empty_label is None
    answer = reverse("shop_admin:quote_answer", args=[quote.pk])
    client.post(answer, {"valid_days": "30"})
    quote.refresh_from_db()
    assert quote.state == Quote.State.REQUESTED  # which member answers is not guessed
    client.post(answer, {"valid_days": "30", "association": leon.pk})
    quote.refresh_from_db()
    assert quote.state == Quote.State.ANSWERED and quote.association == leon


def test_a_counter_of_one_member_answers_for_it_without_being_asked(client, members):
    declic, _leon = members
    buyer = factories.UserFactory(email="ccas@example.org")
    quote = Quote.objects.create(organisation=verified_buyer(buyer), requested_by=buyer)
    client.force_login(_counter(declic))
    page = client.get(reverse("shop_admin:quotes"))
    assert "association" not in page.context["quotes"][0][1][0]["form"].fields
    client.post(reverse("shop_admin:quote_answer", args=[quote.pk]), {"valid_days": "15"})
    quote.refresh_from_db()
    assert quote.association == declic and quote.valid_until == timezone.localdate() + datetime.timedelta(days=15)


# --- Oscar's dashboard: network coordinators only ------------------------------------------------------------

DASHBOARD_PAGES = (
    "/boutique/dashboard/",
    "/boutique/dashboard/orders/",
    "/boutique/dashboard/catalogue/",
    "/boutique/dashboard/reports/",
    "/boutique/dashboard/partners/",
)


def test_the_dashboard_is_closed_to_a_members_staff_even_with_oscars_permissions(client, members):
    declic, _leon = members
    counter = _counter(declic)
    counter.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=("order", "catalogue", "partner", "analytics"))
    )
    client.force_login(counter)
    for url in DASHBOARD_PAGES:
        assert client.get(url).status_code == 403, url
    admin_home = client.get("/admin/").content.decode()
    assert reverse("dashboard:index") not in admin_home  # nor linked from the menu
    assert reverse("shop_admin:home") in admin_home


def test_the_dashboard_sends_anonymous_visitors_to_the_platforms_login(client):
    response = client.get("/boutique/dashboard/orders/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    response = client.get("/boutique/dashboard/login/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_coordinators_and_superusers_use_the_dashboard_across_members(client, members):
    declic, leon = members
    buyer = factories.UserFactory(email="ccas@example.org")
    verified_buyer(buyer)
    orders = [
        invoice_order(buyer, [listed_product(member)], pickup_partner=workshop_partner(member))
        for member in (declic, leon)
    ]
    for user in (_coordinator(), factories.UserFactory(email="admin@ogo.example", is_staff=True, is_superuser=True)):
        client.force_login(user)
        for url in DASHBOARD_PAGES:
            assert client.get(url).status_code == 200, (user.email, url)
        listed = client.get("/boutique/dashboard/orders/").content.decode()
        assert all(order.number in listed for order in orders)
        assert reverse("dashboard:index") in client.get("/admin/").content.decode()
    assert get_user_model().objects.get(email="coordination@ogo.example").has_perm("shop.manage_orders")
