"""`manage.py demo` builds the whole platform's demo, prints the logins, and a second run changes nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Revision

from content.models import MemberPage, NewsPage, Partner, StoryPage
from demo.users import PASSWORD, USERS
from devices.models import Device, DeviceEvent, IntakeBatch
from programmes.models import Allocation, Programme, RelayPartner, SolidarityVoucher
from programmes.selectors import programme_report
from shop.models import ListedDevice, Listing


def _counts():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "partners": Partner.objects.count(),
        "users": get_user_model().objects.count(),
        "devices": Device.objects.count(),
        "events": DeviceEvent.objects.count(),
        "listings": Listing.objects.count(),
        "listed": ListedDevice.objects.count(),
        "allocations": Allocation.objects.count(),
        "vouchers": SolidarityVoucher.objects.count(),
    }


@pytest.mark.django_db
def test_demo_builds_everything_and_is_idempotent(client, home_page):
    call_command("demo", verbosity=0)
    first = _counts()

    assert MemberPage.objects.count() == 8
    assert MemberPage.objects.filter(association__is_demo=False).get().title == "Déclic"
    assert NewsPage.objects.live().count() >= 6 and StoryPage.objects.live().count() >= 3
    assert IntakeBatch.objects.filter(donor__name="Région Bretagne", received_on__year=2022).get().devices.count() > 300
    assert first["listed"] > 0
    # The La Poste → Mission locale du Pays de Redon programme, hand-overs over many months, devices pending.
    report = programme_report(Programme.objects.get(slug="laposte-mission-locale-pays-de-redon"))
    assert report.handed_over >= 20 and report.pending > 0 and report.returned > 0 and len(report.by_month) >= 6
    assert RelayPartner.objects.get(slug="mission-locale-pays-de-redon").users.filter(email="relais@reemploi.example")
    assert client.login(email="moderateur@reemploi.example", password="demo-reemploi-2026")

    out = io.StringIO()
    call_command("demo", stdout=out)
    assert _counts() == first
    output = out.getvalue()
    assert "Boutique : 0 produits créés, 0 appareils mis en vente" in output
    assert "(0 page(s) créée(s) ou mise(s) à jour) : 8 associations" in output
    for email, _first, _role, label, where in USERS:
        assert f"  {email:30} {PASSWORD:20} {label:14} {where}" in output
