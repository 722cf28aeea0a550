"""Each member's staff reach their own member's objects only; the network coordinator reaches every member's.

The back-office URLs are read from the URL configuration, not listed by hand: every URL under a member back
office (`/admin/atelier/` so far; the shop's and the rental's as they are scoped) must be classified below,
so a URL added later without thinking of members makes `test_every_back_office_url_is_classified` fail.
For each URL naming an object, member A's technician gets 404 for member B's object (GET, or POST where the
URL takes only POST), and the coordinator does not; each listing shows nothing of member B to member A.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from devices import probe_reports, services
from devices.models import (
    Association,
    Device,
    DeviceEvent,
    Donor,
    HardwareReport,
    IntakeBatch,
    InventoryImport,
    Membership,
    ProbeToken,
)
from tests.network.helpers import back_office_urls as urls_under

pytestmark = pytest.mark.django_db

BACK_OFFICES = ("admin/atelier/",)


def back_office_urls():
    return urls_under(BACK_OFFICES)


# URL namespace → the kind of object its URL arguments designate.
OBJECT_OF_NAMESPACE = {
    "workshop_devices": "device",
    "workshop_batches": "batch",
    "workshop_associations": "association",
    "workshop_memberships": "membership",
}
OBJECT_OF_ARGUMENT = {"event_pk": "event", "run_pk": "run"}
# Steps whose object is a device on its way between two members: received by the one it was sent to,
# cancelled by the one that sent it.
OBJECT_OF_NAME = {"workshop_devices:receive": "incoming", "workshop_devices:cancel-transfer": "outgoing"}
# Shared by the whole network on purpose: donors are institutions that give to several members.
NETWORK_WIDE = {"workshop_donors"}
PDF = b"%PDF-1.4 certificat"


def _kind(name: str, arguments: list[str]) -> str | None:
    namespace = name.split(":")[0]
    if name in OBJECT_OF_NAME:
        return OBJECT_OF_NAME[name]
    for argument in arguments:
        if argument in OBJECT_OF_ARGUMENT:
            return OBJECT_OF_ARGUMENT[argument]
    return OBJECT_OF_NAMESPACE.get(namespace) if arguments else None


def test_every_back_office_url_is_classified():
    urls = back_office_urls()
    assert len(urls) > 30
    unclassified = [
        (route, name)
        for route, name, arguments in urls
        if name.split(":")[0] not in NETWORK_WIDE and arguments and _kind(name, arguments) is None
    ]
    assert unclassified == []
    namespaces = {name.split(":")[0] for _route, name, _arguments in urls}
    assert namespaces - NETWORK_WIDE - set(OBJECT_OF_NAMESPACE) <= {
        "workshop_home",
        "workshop_quick_entry",
        "workshop_bulk_erasure",
        "workshop_erasure_report",
        "workshop_probe_keys",  # objects posted in the form: test_probe_keys_and_reports_of_another_member
        "workshop_hardware_reports",
    }, "a new back office: classify its objects here"


def _member(name, slug, department):
    return Association.objects.create(name=name, slug=slug, department=department)


def _staff(email, association=None, role=Membership.Role.TECHNICIAN, *, coordinator=False):
    user = get_user_model().objects.create_user(email=email, password="x")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name="Workshop"))
    if association is not None:
        Membership.objects.create(user=user, association=association, role=role)
        Membership.objects.create(user=user, association=association, role=Membership.Role.MEMBER_ADMIN)
    if coordinator:
        user.groups.add(Group.objects.get(name="Network coordinators"))
    return user


@pytest.fixture
def network():
    """Two members, each with a batch, a device erased with a certificate; a technician of each; a coordinator."""
    donor = Donor.objects.create(name="Région Bretagne", kind=Donor.Kind.LOCAL_AUTHORITY)
    objects = {}
    for key, name, slug, department in (("a", "Déclic", "declic", "35"), ("b", "Atelier du Léon", "leon", "29")):
        association = _member(name, slug, department)
        batch = IntakeBatch.objects.create(donor=donor, association=association, reference=f"LOT-{slug.upper()}")
        device = services.device_register(batch=batch, category=Device.Category.LAPTOP, serial=f"SN-{slug}-0001")
        technician = _staff(f"technicien@{slug}.example", association)
        services.device_erase(
            device=device,
            actor=technician,
            method="NIST SP 800-88 Purge",
            certificate=SimpleUploadedFile("c.pdf", PDF, content_type="application/pdf"),
        )
        event = DeviceEvent.objects.get(device=device, kind=DeviceEvent.Kind.ERASED)
        counter = get_user_model().objects.create_user(email=f"comptoir@{slug}.example", password="x")
        membership = Membership.objects.create(user=counter, association=association, role=Membership.Role.SHOP_COUNTER)
        run = InventoryImport(batch=batch, filename="parc.csv", columns=["serial", "category"])
        run.file.save("parc.csv", ContentFile(b"serial;category\nSN-X;laptop\n"))
        objects[key] = {
            "run": run,
            "membership": membership,
            "association": association,
            "batch": batch,
            "device": device,
            "event": event,
            "technician": technician,
        }
    # One device of each member on its way to the other: A's outgoing is B's incoming, and the reverse.
    for sender, receiver in (("a", "b"), ("b", "a")):
        device = services.device_register(
            batch=objects[sender]["batch"], category=Device.Category.LAPTOP, serial=f"SN-{sender}-to-{receiver}"
        )
        services.device_transfer_send(
            device=device, actor=objects[sender]["technician"], to_association=objects[receiver]["association"]
        )
        objects[sender]["outgoing"] = objects[receiver]["incoming"] = device
    objects["coordinator"] = _staff("coordination@ogo.example", coordinator=True)
    return objects


def _url(route, name, arguments, objects):
    """The URL for the objects of one member; `pk` is the namespace's object, other arguments their own."""
    kind = OBJECT_OF_NAME.get(name) or OBJECT_OF_NAMESPACE.get(name.split(":")[0]) or _kind(name, arguments)
    return reverse(name, kwargs={arg: objects[OBJECT_OF_ARGUMENT.get(arg, kind)].pk for arg in arguments})


def _answer(client, url):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return response.status_code


def test_a_technician_gets_404_for_every_object_of_another_member(client, network):
    client.force_login(network["a"]["technician"])
    checked = []
    for route, name, arguments in back_office_urls():
        if not arguments or name.split(":")[0] in NETWORK_WIDE:
            continue
        url = _url(route, name, arguments, network["b"])
        status = _answer(client, url)
        # Editing an association needs the member administrator's role, which A has for A only: 404 for B.
        assert status == 404, f"{name} {url}: {status}"
        checked.append(name)
    assert {"workshop_devices:detail", "workshop_devices:erase", "workshop_devices:evidence"} <= set(checked)
    assert {"workshop_batches:edit", "workshop_batches:import", "workshop_batches:labels"} <= set(checked)
    assert {"workshop_batches:import_run", "workshop_batches:import_progress"} <= set(checked)


def test_the_workshop_group_without_a_membership_reaches_no_members_object(client, network):
    """The permissions of the former "Workshop" group open the back office, never a member's objects: those
    come with a membership."""
    client.force_login(_staff("ancien-groupe@ogo.example"))
    for member in ("a", "b"):
        for route, name, arguments in back_office_urls():
            if not arguments or name.split(":")[0] in NETWORK_WIDE:
                continue
            url = _url(route, name, arguments, network[member])
            assert _answer(client, url) in (403, 404), f"{name} {url}"
    content = client.get(reverse("workshop_devices:index")).content.decode()
    assert network["a"]["device"].asset_tag not in content and network["b"]["device"].asset_tag not in content


def test_a_technician_reaches_the_objects_of_their_own_member(client, network):
    client.force_login(network["a"]["technician"])
    for route, name, arguments in back_office_urls():
        if not arguments or name.split(":")[0] in NETWORK_WIDE:
            continue
        assert _answer(client, _url(route, name, arguments, network["a"])) != 404, name


def test_the_coordinator_reaches_the_objects_of_both_members(client, network):
    client.force_login(network["coordinator"])
    for member in ("a", "b"):
        for route, name, arguments in back_office_urls():
            if not arguments or name.split(":")[0] in NETWORK_WIDE:
                continue
            status = _answer(client, _url(route, name, arguments, network[member]))
            assert status not in (403, 404), f"{name} for member {member}: {status}"


def test_listings_show_nothing_of_another_member(client, network):
    client.force_login(network["a"]["technician"])
    mine, theirs = network["a"], network["b"]
    for url in (reverse("workshop_devices:index"), reverse("workshop_batches:index")):
        content = client.get(url).content.decode()
        assert mine["batch"].reference in content or mine["device"].asset_tag in content
        assert theirs["device"].asset_tag not in content and theirs["batch"].reference not in content
    client.force_login(network["coordinator"])
    content = client.get(reverse("workshop_devices:index")).content.decode()
    assert mine["device"].asset_tag in content and theirs["device"].asset_tag in content


def test_scans_and_runs_do_not_find_another_members_devices(client, network):
    client.force_login(network["a"]["technician"])
    theirs = network["b"]["device"]
    response = client.post(reverse("workshop_quick_entry:index"), {"code": theirs.asset_tag})
    assert response.status_code == 200 and "Aucun appareil ne porte" in response.content.decode()
    response = client.post(
        reverse("workshop_bulk_erasure:index"),
        {"devices": theirs.asset_tag, "method": "NIST SP 800-88 Purge", "result": "success"},
    )
    assert DeviceEvent.objects.filter(device=theirs, kind=DeviceEvent.Kind.ERASED).count() == 1
    report = f"asset_tag,method,result,date\n{theirs.asset_tag},NIST,success,2026-11-30\n".encode()
    client.post(
        reverse("workshop_erasure_report:index"),
        {"file": SimpleUploadedFile("rapport.csv", report, content_type="text/csv")},
    )
    assert DeviceEvent.objects.filter(device=theirs, kind=DeviceEvent.Kind.ERASED).count() == 1


def test_a_batch_is_created_only_for_ones_own_member(client, network):
    client.force_login(network["a"]["technician"])
    response = client.get(reverse("workshop_batches:add"))
    choices = response.context["form"].fields["association"].queryset
    assert list(choices) == [network["a"]["association"]]


def test_only_the_coordinator_creates_a_member(client, network):
    client.force_login(network["a"]["technician"])
    assert client.get(reverse("workshop_associations:add")).status_code == 403
    client.force_login(network["coordinator"])
    assert client.get(reverse("workshop_associations:add")).status_code == 200


def test_roles_give_the_permissions_of_their_back_office(network):
    officer = get_user_model().objects.create_user(email="officier@declic.example", password="x")
    Membership.objects.create(
        user=officer, association=network["a"]["association"], role=Membership.Role.RENTAL_OFFICER
    )
    officer = get_user_model().objects.get(pk=officer.pk)
    assert officer.has_perm("rental.manage_rentals") and officer.has_perm("wagtailadmin.access_admin")
    assert not officer.has_perm("devices.operate_device") and not officer.has_perm("shop.manage_orders")


def test_the_workshop_landing_page_says_what_waits_at_ones_own_member(client, network):
    client.force_login(network["a"]["technician"])
    response = client.get("/admin/atelier/")
    assert response.status_code == 200
    waiting = {row["label"]: row["count"] for row in response.context["waiting"]}
    # A's erased device waits in the workshop; A's device sent to B and B's sent to A are on their way.
    assert sum(waiting.values()) == 3 and list(response.context["associations"]) == [network["a"]["association"]]
    content = response.content.decode()
    assert network["a"]["batch"].reference in content and network["b"]["batch"].reference not in content
    assert "Ce qui attend" in content


def test_a_member_administrator_gives_roles_at_their_own_association_only(client, network):
    client.force_login(network["a"]["technician"])  # also member administrator of A
    response = client.get(reverse("workshop_memberships:add"))
    assert list(response.context["form"].fields["association"].queryset) == [network["a"]["association"]]
    newcomer = get_user_model().objects.create_user(email="benevole@declic.example", password="x")
    response = client.post(
        reverse("workshop_memberships:add"),
        {"user": "Benevole@Declic.example", "association": network["a"]["association"].pk, "role": "technician"},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=newcomer, association=network["a"]["association"]).exists()
    response = client.post(
        reverse("workshop_memberships:add"),
        {"user": "benevole@declic.example", "association": network["b"]["association"].pk, "role": "technician"},
    )
    assert (
        response.status_code == 200
        and not Membership.objects.filter(association=network["b"]["association"], user=newcomer).exists()
    )
    listing = client.get(reverse("workshop_memberships:index")).content.decode()
    assert "comptoir@declic.example" in listing and "comptoir@leon.example" not in listing


def test_probe_keys_and_reports_of_another_member(client, network):
    """Keys, waiting reports and proposed values are posted by their id: another member's answer 404."""
    theirs = network["b"]
    token, _key = probe_reports.probe_token_create(association=theirs["association"], name="Banc B", actor=None)
    waiting = HardwareReport.objects.create(
        association=theirs["association"], serial="SN-B-RAPPORT", facts={"category": "laptop"}, file="x.json"
    )
    proposing = HardwareReport.objects.create(
        association=theirs["association"], device=theirs["device"], file="y.json", proposed={"ram_gb": ["8", "16"]}
    )
    client.force_login(network["a"]["technician"])

    assert client.post(reverse("workshop_probe_keys:index"), {"revoke": token.pk}).status_code == 404
    assert ProbeToken.objects.get(pk=token.pk).is_active
    reports = reverse("workshop_hardware_reports:index")
    page = client.get(reports).content.decode()
    assert (
        "SN-B-RAPPORT" not in page and "Banc B" not in client.get(reverse("workshop_probe_keys:index")).content.decode()
    )
    response = client.post(
        reports,
        {
            "register": waiting.pk,
            f"report-{waiting.pk}-batch": network["a"]["batch"].pk,
            f"report-{waiting.pk}-category": "laptop",
        },
    )
    assert response.status_code == 404 and not Device.objects.filter(serial="SN-B-RAPPORT").exists()
    assert client.post(reports, {"accept": proposing.pk, "field": "ram_gb"}).status_code == 404
    for button in ("accept", "register"):
        assert client.post(reports, {button: "1 OR 1=1"}).status_code == 404
    assert client.post(reverse("workshop_probe_keys:index"), {"revoke": "abc"}).status_code == 404
    assert HardwareReport.objects.get(pk=proposing.pk).proposed == {"ram_gb": ["8", "16"]}
