"""The rental back office is scoped to the officer's members; the network coordinator reaches every member's.

As in `test_isolation.py`, the URLs are read from the URL configuration: every URL under `/admin/location/`
and under `/location/` (where the officers download proofs and agreements) must be classified below, so a URL
added later without thinking of members makes `test_every_rental_url_is_classified` fail. For each URL
naming an application, member A's rental officer gets 404 for member B's (GET, or POST where the URL takes
only POST), the coordinator does not; each list shows nothing of member B to member A.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from devices import services as device_services
from devices.models import Association, Device, Donor, IntakeBatch, Membership
from rental import services
from rental.models import Application
from tests.network.helpers import back_office_urls as urls_under
from tests.rental.conftest import S, application_fields, bring_to, proof_pdf, ready_device

pytestmark = pytest.mark.django_db

PREFIXES = ("admin/location/", "location/")

# An application's officer pages and the downloads officers reach: 404 for another member's application.
OFFICER_OBJECTS = {"rental_admin_application", "rental:proof", "rental:agreement"}
OFFICER_NAMESPACES = {"rental_admin_step"}
# The trainee's own pages: their applicant only (every officer, even of its member, gets 404).
TRAINEE_ONLY = {
    "rental:my_application",
    "rental:sign",
    "rental:payment",
    "rental:pickup_change",
    "rental:transfer_answer",
    "rental:withdraw",
}
# Lists cut down to the officer's members (checked below), and the trainee's public pages.
LISTS = {"rental_admin_home", "rental_admin_queue", "rental_admin_overdue", "rental_admin_pool"}
PUBLIC = {"rental:landing", "rental:apply", "rental:my_applications"}
# Shared by the whole network on purpose: the Région's training programmes.
NETWORK_WIDE = {"rental_programmes"}


def rental_urls():
    return urls_under(PREFIXES)


def _namespace(name: str) -> str:
    return name.split(":")[0] if ":" in name else ""


def _kind(name: str) -> str | None:
    if name in OFFICER_OBJECTS or _namespace(name) in OFFICER_NAMESPACES:
        return "officer"
    if name in TRAINEE_ONLY:
        return "trainee"
    if name in LISTS or name in PUBLIC or _namespace(name) in NETWORK_WIDE:
        return "other"
    return None


def test_every_rental_url_is_classified():
    urls = rental_urls()
    assert len(urls) > 25
    unclassified = [(route, name) for route, name, _arguments in urls if _kind(name) is None]
    assert unclassified == [], "a new rental URL: classify it here (and scope it)"
    with_arguments = {name for _route, name, arguments in urls if arguments and _namespace(name) not in NETWORK_WIDE}
    assert with_arguments == {name for _route, name, _arguments in urls if _kind(name) in ("officer", "trainee")}


def _user(email, association=None, *, coordinator=False):
    user = get_user_model().objects.create_user(email=email, password="x", first_name="Prénom", last_name="Nom")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    if association is not None:  # the role alone gives the back office's permissions
        Membership.objects.create(user=user, association=association, role=Membership.Role.RENTAL_OFFICER)
    if coordinator:
        user.groups.add(Group.objects.get(name="Network coordinators"))
    return user


def _apply(association, postcode, email):
    trainee = get_user_model().objects.create_user(email=email, password="x", first_name="Nolwenn", last_name="Bihan")
    fields = application_fields(association, postcode=postcode, email=email, first_name="Nolwenn", last_name="Bihan")
    return services.application_submit(applicant=trainee, proof=proof_pdf(), **fields)


@pytest.fixture
def network():
    """Two members (35 and 29), each with an officer, an overdue loan (signed agreement and proof), a new
    application, a waitlisted one, a free laptop in its pool and a ready laptop to add; a coordinator."""
    donor = Donor.objects.create(name="Région Bretagne", kind=Donor.Kind.LOCAL_AUTHORITY)
    objects = {}
    for key, name, slug, department, postcode in (
        ("a", "Déclic", "declic", "35", "35600"),
        ("b", "Atelier du Léon", "leon", "29", "29200"),
    ):
        association = Association.objects.create(name=name, slug=slug, department=department, offers_rental=True)
        officer = _user(f"location@{slug}.example", association)
        technician = _user(f"atelier@{slug}.example")
        batch = IntakeBatch.objects.create(donor=donor, association=association, reference=f"LOT-{slug.upper()}")
        device_services.device_reserve_for_rental(device=ready_device(batch, technician), actor=technician)
        loan = bring_to(_apply(association, postcode, f"pret@{slug}.example"), S.ACTIVE, officer)
        Application.objects.filter(pk=loan.pk).update(due_on=datetime.date.today() - datetime.timedelta(days=5))
        waiting = bring_to(_apply(association, postcode, f"attente@{slug}.example"), S.WAITLISTED, officer)
        new = _apply(association, postcode, f"nouvelle@{slug}.example")
        free = ready_device(batch, technician)
        device_services.device_reserve_for_rental(device=free, actor=technician)  # free, not offered yet
        objects[key] = {
            "association": association,
            "officer": officer,
            "technician": technician,
            "loan": loan,
            "waiting": waiting,
            "new": new,
            "free": free,
            "ready": ready_device(batch, technician),
        }
    objects["coordinator"] = _user("coordination@ogo.example", coordinator=True)
    return objects


def _object_urls(kinds=("officer", "trainee")):
    return [(route, name, arguments) for route, name, arguments in rental_urls() if _kind(name) in kinds and arguments]


def _url(name, arguments, application):
    return reverse(name, kwargs={argument: application.pk for argument in arguments})


def _answer(client, url):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return response.status_code


def test_an_officer_gets_404_for_every_application_of_another_member(client, network):
    client.force_login(network["a"]["officer"])
    checked = []
    for application in (network["b"]["loan"], network["b"]["waiting"], network["b"]["new"]):
        for _route, name, arguments in _object_urls():
            url = _url(name, arguments, application)
            status = _answer(client, url)
            assert status == 404, f"{name} {url}: {status}"
            checked.append(name)
    assert {"rental_admin_application", "rental_admin_step:approve", "rental_admin_step:transfer"} <= set(checked)
    assert {"rental:proof", "rental:agreement"} <= set(checked)
    for application in ("loan", "waiting", "new"):  # nothing was changed by the refused requests
        before = network["b"][application]
        assert Application.objects.get(pk=before.pk).status == before.status


def test_an_officer_reaches_the_applications_of_their_own_member(client, network):
    client.force_login(network["a"]["officer"])
    for _route, name, arguments in _object_urls(("officer",)):
        status = _answer(client, _url(name, arguments, network["a"]["loan"]))
        assert status not in (403, 404), f"{name}: {status}"
    response = client.get(reverse("rental:proof", args=[network["a"]["loan"].pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")


def test_officers_do_not_reach_the_trainees_own_pages_and_the_trainee_does(client, network):
    mine = network["a"]["loan"]
    client.force_login(network["a"]["officer"])
    for _route, name, arguments in _object_urls(("trainee",)):
        assert _answer(client, _url(name, arguments, mine)) == 404, name
    client.force_login(mine.applicant)
    for _route, name, arguments in _object_urls():
        if name.startswith("rental:"):
            assert _answer(client, _url(name, arguments, mine)) != 404, name
            assert _answer(client, _url(name, arguments, network["b"]["loan"])) == 404, name


def test_the_coordinator_reaches_the_applications_of_both_members(client, network):
    client.force_login(network["coordinator"])
    for member in ("a", "b"):
        for _route, name, arguments in _object_urls(("officer",)):
            status = _answer(client, _url(name, arguments, network[member]["loan"]))
            assert status not in (403, 404), f"{name} for member {member}: {status}"


def _references(network, member):
    return [network[member][key].reference for key in ("loan", "waiting", "new")]


def test_lists_show_nothing_of_another_member(client, network):
    client.force_login(network["a"]["officer"])
    mine, theirs = network["a"], network["b"]
    queue = client.get(reverse("rental_admin_queue")).content.decode()
    assert all(reference in queue for reference in _references(network, "a"))
    assert not any(reference in queue for reference in _references(network, "b"))
    # A filter naming the other member does not open its applications.
    filtered = client.get(reverse("rental_admin_queue"), {"association": theirs["association"].pk}).content.decode()
    assert not any(reference in filtered for reference in _references(network, "b"))
    overdue = client.get(reverse("rental_admin_overdue")).content.decode()
    assert mine["loan"].reference in overdue and theirs["loan"].reference not in overdue
    pool = client.get(reverse("rental_admin_pool")).content.decode()
    assert mine["association"].name in pool and mine["ready"].asset_tag in pool
    assert theirs["association"].name not in pool and theirs["ready"].asset_tag not in pool
    today = client.get(reverse("rental_admin_home"))
    counts = {link["kind"]: link["count"] for link in today.context["links"]}
    assert (counts["new"], counts["overdue"], counts["waitlisted"], counts["free"]) == (1, 1, 1, 1)
    assert theirs["association"].name not in today.content.decode()


def test_the_coordinator_lists_both_members(client, network):
    client.force_login(network["coordinator"])
    queue = client.get(reverse("rental_admin_queue")).content.decode()
    assert all(reference in queue for member in ("a", "b") for reference in _references(network, member))
    filtered = client.get(reverse("rental_admin_queue"), {"association": network["b"]["association"].pk})
    assert all(reference in filtered.content.decode() for reference in _references(network, "b"))
    assert not any(reference in filtered.content.decode() for reference in _references(network, "a"))
    today = client.get(reverse("rental_admin_home"))
    assert {link["kind"]: link["count"] for link in today.context["links"]}["new"] == 2
    pool = client.get(reverse("rental_admin_pool")).content.decode()
    assert network["a"]["ready"].asset_tag in pool and network["b"]["ready"].asset_tag in pool


def test_a_device_goes_into_the_pool_only_for_ones_own_member(client, network):
    client.force_login(network["a"]["officer"])
    theirs = network["b"]["ready"]
    assert client.post(reverse("rental_admin_pool"), {"device": theirs.pk}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Device.Status.READY
    # Adding one's own laptop serves the waiting list by the network's rule: nothing of the other
    # member's (another département) is touched.
    mine = network["a"]["ready"]
    assert client.post(reverse("rental_admin_pool"), {"device": mine.pk}).status_code == 302
    waiting_b = Application.objects.get(pk=network["b"]["waiting"].pk)
    assert waiting_b.status == S.WAITLISTED and waiting_b.pickup_association == network["b"]["association"]
    assert Application.objects.get(pk=network["a"]["waiting"].pk).status == S.APPROVED
