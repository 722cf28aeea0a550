"""Solidarity vouchers in the shop: a social partner's single-use voucher gives one device at the solidarity
price; the sale records the holder's category; two checkouts with one voucher give one order (real threads);
expired and revoked vouchers are refused with a clear message; the partner sees the use, not the basket."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from devices.models import PartnerKind
from programmes import vouchers
from programmes.models import RelayPartner, SolidarityVoucher
from shop.services.orders import order_bind_device, order_record_payment
from tests.concurrency import at_once
from tests.shop.helpers import add_to_basket, checkout_form

Order = get_model("order", "Order")
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("base_data")]


@pytest.fixture
def ccas(django_user_model):
    partner = RelayPartner.objects.create(name="CCAS de Redon", slug="ccas-redon", kind=PartnerKind.CCAS)
    partner.users.add(django_user_model.objects.create_user(email="agent@ccas-redon.example", password="x" * 12))
    return partner


@pytest.fixture
def voucher(ccas):
    vouchers.solidarity_price_save(category="laptop", max_price=Decimal("80.00"))
    return vouchers.voucher_issue(
        partner=ccas,
        actor=None,
        holder_category="social_referral",
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )


def _apply(client, product, code):
    add_to_basket(client, product)
    return client.post(reverse("basket:vouchers-add"), {"code": code}, follow=True)


def _pickup_checkout(client, workshop, email):
    return client.post(
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


def test_the_voucher_gives_the_solidarity_price_and_the_sale_records_the_holders_category(
    client, stocked_product, workshop, voucher
):
    product = stocked_product(units=1, price=Decimal("199.00"))
    page = _apply(client, product, voucher.code).content.decode()
    assert "80,00" in page

    response = _pickup_checkout(client, workshop, "personne@exemple.bzh")
    assert response.status_code == 302
    order = Order.objects.get(guest_email="personne@exemple.bzh")
    assert order.total_incl_tax == Decimal("80.00")
    voucher.refresh_from_db()
    assert voucher.status == SolidarityVoucher.Status.USED and voucher.used_at

    device = product.listed_devices.get().device
    order_record_payment(order=order, actor=None, means="cash")  # paid at the counter
    order_bind_device(line=order.lines.get(), asset_tag=device.asset_tag, actor=None)
    device.refresh_from_db()
    assert device.outcome_category == "social_referral"


def _message(client, response) -> str:
    """The page the buyer lands on after a checkout POST (the refusal is a message on it)."""
    return (client.get(response["Location"]) if response.status_code == 302 else response).content.decode()


def test_one_voucher_two_checkouts_at_once_gives_one_order(stocked_product, workshop, voucher):
    product = stocked_product(units=2, price=Decimal("199.00"))
    buyers = [Client(), Client()]
    for buyer in buyers:
        _apply(buyer, product, voucher.code)

    responses = at_once(
        lambda: _pickup_checkout(buyers[0], workshop, "une@exemple.bzh"),
        lambda: _pickup_checkout(buyers[1], workshop, "deux@exemple.bzh"),
    )

    placed = Order.objects.filter(guest_email__in=["une@exemple.bzh", "deux@exemple.bzh"])
    assert placed.count() == 1 and placed.get().total_incl_tax == Decimal("80.00")
    assert get_model("voucher", "Voucher").objects.get(code=voucher.code).num_orders == 1
    loser = 1 if placed.get().guest_email == "une@exemple.bzh" else 0
    assert "ne peut plus être utilisé" in _message(buyers[loser], responses[loser])


def test_a_revoked_voucher_in_a_basket_is_refused_at_checkout(client, stocked_product, workshop, voucher):
    product = stocked_product(units=1, price=Decimal("199.00"))
    _apply(client, product, voucher.code)
    vouchers.voucher_revoke(voucher=voucher, actor=None)

    response = _pickup_checkout(client, workshop, "personne@exemple.bzh")

    assert not Order.objects.filter(guest_email="personne@exemple.bzh").exists()
    assert f"Le code {voucher.code} ne peut plus être utilisé" in _message(client, response)
    with pytest.raises(ValidationError, match="déjà révoqué"):
        vouchers.voucher_revoke(voucher=voucher, actor=None)


def test_an_expired_voucher_is_refused_in_the_basket(client, stocked_product, voucher):
    get_model("voucher", "Voucher").objects.filter(pk=voucher.voucher_id).update(
        end_datetime=timezone.now() - datetime.timedelta(days=1)
    )
    product = stocked_product(units=1, price=Decimal("199.00"))
    _apply(client, product, voucher.code)
    basket = get_model("basket", "Basket").objects.get(lines__product=product)
    assert basket.vouchers.count() == 0


def test_a_used_voucher_cannot_be_revoked_nor_issued_beyond_a_year(voucher, ccas):
    SolidarityVoucher.objects.filter(pk=voucher.pk).update(status=SolidarityVoucher.Status.USED)
    with pytest.raises(ValidationError, match="a été utilisé"):
        vouchers.voucher_revoke(voucher=voucher, actor=None)
    with pytest.raises(ValidationError, match="un an au plus"):
        vouchers.voucher_issue(
            partner=ccas,
            actor=None,
            holder_category="social_referral",
            expires_on=timezone.localdate() + datetime.timedelta(days=400),
        )
    with pytest.raises(ValidationError, match="catégorie du porteur"):
        vouchers.voucher_issue(partner=ccas, actor=None, holder_category="individual", expires_on=timezone.localdate())


def test_another_partners_voucher_is_404(client, voucher, django_user_model):
    other = RelayPartner.objects.create(name="Mission locale", slug="ml", kind=PartnerKind.MISSION_LOCALE)
    other.users.add(django_user_model.objects.create_user(email="ml@exemple.bzh", password="x" * 12))
    client.force_login(other.users.get())
    assert voucher.code not in client.get(reverse("programmes:vouchers")).content.decode()
    assert client.get(reverse("programmes:voucher_print", args=[voucher.pk])).status_code == 404
    assert client.post(reverse("programmes:voucher_revoke", args=[voucher.pk])).status_code == 404
    assert SolidarityVoucher.objects.get(pk=voucher.pk).status == SolidarityVoucher.Status.ISSUED


def test_the_partner_issues_and_prints_a_voucher(client, ccas):
    vouchers.solidarity_price_save(category="laptop", max_price=Decimal("80.00"))
    client.force_login(ccas.users.get())
    response = client.post(
        reverse("programmes:vouchers"),
        {
            "holder_category": "social_referral",
            "expires_on": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
        },
    )
    assert response.status_code == 302
    issued = SolidarityVoucher.objects.get(partner=ccas)
    pdf = client.get(reverse("programmes:voucher_print", args=[issued.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_partner_sees_the_use_never_the_basket(client, stocked_product, workshop, voucher, ccas):
    product = stocked_product(units=1, price=Decimal("199.00"))
    buyer = Client()
    _apply(buyer, product, voucher.code)
    _pickup_checkout(buyer, workshop, "personne@exemple.bzh")

    client.force_login(ccas.users.get())
    html = client.get(reverse("programmes:vouchers")).content.decode()
    assert voucher.code in html and "Utilisé" in html
    assert product.get_title() not in html and "personne@exemple.bzh" not in html


def test_the_counter_checks_a_voucher(client, voucher, django_user_model):
    from django.contrib.auth.models import Group

    counter = django_user_model.objects.create_user(email="comptoir@declic.example", password="x" * 12)
    counter.groups.add(Group.objects.get(name="Shop"))
    client.force_login(counter)
    url = reverse("shop_admin:voucher_check")
    spaced = f" {voucher.code[:6].lower()} {voucher.code[6:]} "
    html = client.get(url, {"code": spaced}).content.decode()
    assert "Valable jusqu" in html and "Personne orientée par un partenaire social" in html
    vouchers.voucher_revoke(voucher=voucher, actor=None)
    assert "Révoqué par le partenaire" in client.get(url, {"code": voucher.code}).content.decode()
    assert "Aucun bon ne porte ce code" in client.get(url, {"code": "SOL-XXXX-XXXX"}).content.decode()


def test_codes_tried_are_limited_per_address(client, stocked_product, voucher, settings):
    product = stocked_product(units=1, price=Decimal("199.00"))
    add_to_basket(client, product)
    for n in range(10):
        client.post(reverse("basket:vouchers-add"), {"code": f"SOL-AAAA-AA{n:02d}"})
    response = client.post(reverse("basket:vouchers-add"), {"code": voucher.code}, follow=True)
    assert "Trop de codes essayés" in response.content.decode()
    assert get_model("basket", "Basket").objects.get(lines__product=product).vouchers.count() == 0
