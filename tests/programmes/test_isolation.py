"""Every URL of the programmes' back office and of the relay portal, read from the URL configuration (a URL
added later is found too): a technician reaches only their own member's allocation rules (404 otherwise) and
none of the coordinators' pages (403); a partner's staff reach only their own partner's allocations and
vouchers (404 otherwise)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from devices.models import Membership
from programmes import vouchers
from programmes.models import AllocationRule
from tests.network.helpers import back_office_urls

COORDINATORS_ONLY = {"donation_programmes", "relay_partners", "solidarity_prices"}
MEMBER_SCOPED = {"allocation_rules": "rule", "allocations": None}
PARTNER_SCOPED_ARGUMENTS = {"pk", "slug"}


def _answer(client, url):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return response.status_code


def test_every_programmes_back_office_url_is_classified():
    namespaces = {name.split(":")[0] for _route, name, _arguments in back_office_urls(("admin/programmes/",))}
    assert namespaces <= COORDINATORS_ONLY | set(MEMBER_SCOPED), "a new back office: classify it here"


def test_a_technician_reaches_only_their_own_members_rules(
    client, workshop_user, association, other_association, programme, mission_locale
):
    other_rule = AllocationRule.objects.create(association=other_association, position=1, channel="sale")
    price = vouchers.solidarity_price_save(category="laptop", max_price=Decimal("80.00"))
    coordinators_objects = {
        "donation_programmes": programme,
        "relay_partners": mission_locale,
        "solidarity_prices": price,
    }
    AllocationRule.objects.create(association=association, position=1, channel="sale")
    client.force_login(workshop_user)
    checked = []
    for _route, name, arguments in back_office_urls(("admin/programmes/",)):
        namespace = name.split(":")[0]
        if namespace in COORDINATORS_ONLY:
            pk = coordinators_objects[namespace].pk
            url = reverse(name, kwargs=dict.fromkeys(arguments, pk)) if arguments else reverse(name)
            assert _answer(client, url) == 403, name
        elif arguments:
            url = reverse(name, kwargs=dict.fromkeys(arguments, other_rule.pk))
            assert _answer(client, url) == 404, name
        checked.append(name)
    assert {"allocation_rules:edit", "allocation_rules:delete", "donation_programmes:index"} <= set(checked)
    assert AllocationRule.objects.filter(pk=other_rule.pk).exists()


def test_a_partners_staff_reach_only_their_own_partners_objects(client, other_partner_staff, received, mission_locale):
    allocation = received()
    vouchers.solidarity_price_save(category="laptop", max_price=Decimal("80.00"))
    voucher = vouchers.voucher_issue(
        partner=mission_locale,
        actor=None,
        holder_category="youth_mission_locale",
        expires_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    objects = {"programmes:voucher_revoke": voucher, "programmes:voucher_print": voucher}
    client.force_login(other_partner_staff)
    checked = []
    for _route, name, arguments in back_office_urls(("relais/",)):
        if not arguments:
            continue
        assert set(arguments) <= PARTNER_SCOPED_ARGUMENTS, f"{name}: classify its arguments here"
        target = objects.get(name, allocation)
        kwargs = {"slug": mission_locale.slug} if arguments == ["slug"] else {"pk": target.pk}
        assert _answer(client, reverse(name, kwargs=kwargs)) == 404, name
        checked.append(name)
    assert {"programmes:hand_over", "programmes:receipt", "programmes:voucher_print"} <= set(checked)


@pytest.fixture
def coordinator(django_user_model):
    user = django_user_model.objects.create_user(email="coordination@ogo.example", password="x" * 12)
    user.groups.add(Group.objects.get(name="Network coordinators"))
    return user


def test_the_coordinator_reaches_every_members_rules(client, coordinator, other_association):
    rule = AllocationRule.objects.create(association=other_association, position=1, channel="sale")
    client.force_login(coordinator)
    assert client.get(reverse("allocation_rules:edit", args=[rule.pk])).status_code == 200
    assert Membership.objects.filter(user=coordinator).count() == 0
