"""Two members' technicians side by side in Chromium: each sees only their own workshop; a device sent by
one is received by the other, and only then changes hands. axe-core on the new pages."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from devices import services
from devices.models import Association, Device, Donor, IntakeBatch, Membership
from tests.browser.conftest import blocking_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-reseau-2026"


def _technician(email, association):
    user = get_user_model().objects.create_user(email=email, password=PASSWORD)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name="Workshop"))
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    Membership.objects.create(user=user, association=association, role=Membership.Role.TECHNICIAN)
    return user


@pytest.fixture
def two_members(base_data):
    donor = Donor.objects.create(name="Région Bretagne", kind=Donor.Kind.LOCAL_AUTHORITY)
    members = {}
    for key, name, slug in (("declic", "Déclic", "declic"), ("rennes", "Rennes Ordi Partage", "rennes-ordi")):
        association = Association.objects.create(name=name, slug=slug, postcode="35000", city="Rennes")
        batch = IntakeBatch.objects.create(donor=donor, association=association, reference=f"LOT-{slug.upper()}")
        device = services.device_register(batch=batch, category=Device.Category.LAPTOP, serial=f"SN-{slug}")
        members[key] = {
            "association": association,
            "batch": batch,
            "device": device,
            "technician": _technician(f"atelier@{slug}.example", association),
        }
    return members


def test_two_technicians_work_side_by_side_and_hand_a_device_over(page, browser, live_url, two_members):
    page.set_default_timeout(15000)
    declic, rennes = two_members["declic"], two_members["rennes"]
    device = declic["device"]
    login(page, live_url, declic["technician"].email, PASSWORD)
    other_context = browser.new_context()
    other = other_context.new_page()
    other.set_default_timeout(15000)
    login(other, live_url, rennes["technician"].email, PASSWORD)

    # Each one's workshop: their own batch and device only.
    page.goto(f"{live_url}/admin/atelier/appareils/")
    assert device.asset_tag in page.content() and rennes["device"].asset_tag not in page.content()
    other.goto(f"{live_url}/admin/atelier/appareils/")
    assert rennes["device"].asset_tag in other.content() and device.asset_tag not in other.content()
    assert other.goto(f"{live_url}/admin/atelier/appareils/{device.pk}/").status == 404

    # Déclic sends its device to Rennes: it is on its way, still Déclic's.
    page.goto(f"{live_url}/admin/atelier/appareils/{device.pk}/")
    page.locator("#action-transfer summary").click()
    page.locator("#action-transfer select[name=transfer-to_association]").select_option(str(rennes["association"].pk))
    page.locator("#action-transfer button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    device.refresh_from_db()
    assert (device.status, device.association_id) == (Device.Status.IN_TRANSIT, declic["association"].pk)
    assert page.locator("#action-cancel-transfer").count() == 1 and page.locator("#action-receive").count() == 0

    # Rennes sees it arriving on its landing page and records the receipt.
    other.goto(f"{live_url}/admin/atelier/")
    assert "LOT-RENNES-ORDI" in other.content()
    other.goto(f"{live_url}/admin/atelier/appareils/{device.pk}/")
    other.locator("#action-receive summary").click()
    other.locator("#action-receive button[type=submit]").click()
    other.wait_for_load_state("networkidle")
    device.refresh_from_db()
    assert (device.status, device.association_id, device.transfer_to_id) == (
        Device.Status.RECEIVED,
        rennes["association"].pk,
        None,
    )
    assert page.goto(f"{live_url}/admin/atelier/appareils/{device.pk}/").status == 404

    # The coordinator sees both members' figures on the network's dashboard.
    coordinator = _technician("coordination@ogo.example", declic["association"])
    coordinator.groups.add(Group.objects.get(name="Network coordinators"))
    coordination_context = browser.new_context()
    coordination = coordination_context.new_page()
    login(coordination, live_url, coordinator.email, PASSWORD)
    coordination.goto(f"{live_url}/admin/reseau/")
    members_table = coordination.locator("#members-title + p + div table")
    assert "Déclic" in members_table.inner_text() and "Rennes Ordi Partage" in members_table.inner_text()
    problems = blocking_violations(coordination, f"{live_url}/admin/reseau/")
    coordination_context.close()

    problems += blocking_violations(page, f"{live_url}/admin/atelier/")
    problems += blocking_violations(other, f"{live_url}/admin/atelier/")
    problems += blocking_violations(other, f"{live_url}/admin/atelier/appareils/{device.pk}/")
    assert not problems, "\n\n".join(problems)
    other_context.close()
