"""Every transition rule of the registry's services.

The matrix below calls each service on a device brought (through the services) to each of the ten
statuses: from an allowed status it appends exactly one event with the right statuses; from any other it
raises TransitionRefused and leaves the device row, the log and the private storage as they were.
"""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from devices import services
from devices.models import BeneficiaryCategory, Device, DeviceEvent
from devices.services import TransitionRefused
from tests.devices.conftest import CHECKLIST_OK, ERASURE_METHOD, device_row, event_count, make_ready

S = Device.Status
K = DeviceEvent.Kind
pytestmark = pytest.mark.django_db

ALL = tuple(S)
WORKSHOP = (S.RECEIVED, S.IN_WORKSHOP, S.READY)


def _certificate():
    return ContentFile(b"%PDF-1.4 rapport d'effacement", name="certificat.pdf")


def _workshop_after(start):
    """A workshop step keeps a READY device READY; the matrix's RECEIVED and IN_WORKSHOP devices are
    neither erased, tested nor graded, so they end IN_WORKSHOP."""
    return S.READY if start == S.READY else S.IN_WORKSHOP


def _same(start):
    return start


# name: (call, allowed statuses, event kind, status after as a function of the status before)
SERVICES = {
    "clean": (lambda d, a, o: services.device_clean(device=d, actor=a), WORKSHOP, K.CLEANED, _workshop_after),
    "test_pass": (
        lambda d, a, o: services.device_test(device=d, actor=a, checklist=CHECKLIST_OK),
        WORKSHOP,
        K.TESTED,
        _workshop_after,
    ),
    "test_fail": (
        lambda d, a, o: services.device_test(device=d, actor=a, checklist={"écran": True, "webcam": False}),
        WORKSHOP,
        K.TESTED,
        lambda start: S.IN_WORKSHOP,
    ),
    "erase_success": (
        lambda d, a, o: services.device_erase(device=d, actor=a, method=ERASURE_METHOD, certificate=_certificate()),
        WORKSHOP,
        K.ERASED,
        _workshop_after,
    ),
    "erase_failure": (
        lambda d, a, o: services.device_erase(
            device=d, actor=a, method=ERASURE_METHOD, result="failure", certificate=_certificate()
        ),
        WORKSHOP,
        K.ERASED,
        _workshop_after,  # a READY device keeps its earlier successful erasure
    ),
    "erase_bulk": (
        lambda d, a, o: services.devices_erase_bulk(
            devices=[d], actor=a, method=ERASURE_METHOD, certificate=_certificate()
        )[0],
        WORKSHOP,
        K.ERASED,
        _workshop_after,
    ),
    "install_os": (
        lambda d, a, o: services.device_install_os(device=d, actor=a, os="Linux Mint 22"),
        WORKSHOP,
        K.OS_INSTALLED,
        _workshop_after,
    ),
    "grade": (lambda d, a, o: services.device_grade(device=d, actor=a, grade="A"), WORKSHOP, K.GRADED, _workshop_after),
    "repair": (
        lambda d, a, o: services.device_repair(device=d, actor=a, parts="clavier AZERTY"),
        WORKSHOP,
        K.REPAIRED,
        _workshop_after,
    ),
    "transfer_send": (
        lambda d, a, o: services.device_transfer_send(device=d, actor=a, to_association=o),
        WORKSHOP,
        K.TRANSFER_SENT,
        lambda start: S.IN_TRANSIT,
    ),
    "transfer_receive": (
        lambda d, a, o: services.device_transfer_receive(device=d, actor=a),
        (S.IN_TRANSIT,),
        K.TRANSFER_RECEIVED,
        lambda start: S.READY,  # the matrix sends READY devices: they come back READY
    ),
    "transfer_cancel": (
        lambda d, a, o: services.device_transfer_cancel(device=d, actor=a),
        (S.IN_TRANSIT,),
        K.TRANSFER_CANCELLED,
        lambda start: S.READY,
    ),
    "correct": (
        lambda d, a, o: services.device_correct(device=d, actor=a, changes={"ram_gb": 16}, note="barrette ajoutée"),
        ALL,
        K.CORRECTED,
        _same,
    ),
    "list": (
        lambda d, a, o: services.device_list_for_sale(device=d, actor=a),
        (S.READY,),
        K.LISTED,
        lambda s: S.LISTED,
    ),
    "unlist": (lambda d, a, o: services.device_unlist(device=d, actor=a), (S.LISTED,), K.UNLISTED, lambda s: S.READY),
    "reserve": (
        lambda d, a, o: services.device_reserve_for_rental(device=d, actor=a),
        (S.READY,),
        K.RESERVED,
        lambda s: S.RESERVED,
    ),
    "release": (
        lambda d, a, o: services.device_release_from_rental(device=d, actor=a),
        (S.RESERVED,),
        K.RELEASED,
        lambda s: S.READY,
    ),
    "sell": (
        lambda d, a, o: services.device_sell(
            device=d, actor=a, beneficiary_category="org_ccas", territory="56260", reference="ORDER-1"
        ),
        (S.LISTED,),
        K.SOLD,
        lambda s: S.SOLD,
    ),
    "rent": (
        lambda d, a, o: services.device_rent(device=d, actor=a, territory="22", reference="AGREEMENT-1"),
        (S.RESERVED,),
        K.RENTED,
        lambda s: S.RENTED,
    ),
    "donate": (
        lambda d, a, o: services.device_donate(
            device=d, actor=a, programme="Mission locale", beneficiary_category="youth_mission_locale", territory="35"
        ),
        (S.READY,),
        K.DONATED,
        lambda s: S.DONATED,
    ),
    "allocate": (
        lambda d, a, o: services.device_allocate(
            device=d, actor=a, programme="La Poste → jeunes", partner="Mission locale", partner_kind="mission_locale"
        ),
        (S.READY,),
        K.ALLOCATED,
        lambda s: S.ALLOCATED,
    ),
    "partner_receive": (
        lambda d, a, o: services.device_partner_receive(device=d, actor=a, partner="Mission locale"),
        (S.ALLOCATED,),
        K.PARTNER_RECEIVED,
        lambda s: S.AT_PARTNER,
    ),
    "hand_over": (
        lambda d, a, o: services.device_hand_over(
            device=d,
            actor=a,
            programme="La Poste → jeunes",
            partner="Mission locale",
            partner_kind="mission_locale",
            beneficiary_category="youth_mission_locale",
            territory="35236",
            age_bracket="16_25",
            situation="Demandeur d'emploi",
        ),
        (S.AT_PARTNER,),
        K.HANDED_OVER,
        lambda s: S.DONATED,
    ),
    "partner_return": (
        lambda d, a, o: services.device_partner_return(
            device=d, actor=a, partner="Mission locale", condition="Inutilisé"
        ),
        (S.ALLOCATED, S.AT_PARTNER),
        K.PARTNER_RETURNED,
        lambda s: S.IN_WORKSHOP,
    ),
    "channel_choose": (
        lambda d, a, o: services.device_channel_choose(device=d, actor=a, proposed="sale", chosen="sale"),
        (S.READY,),
        K.CHANNEL_CHOSEN,
        lambda s: S.READY,
    ),
    "return": (
        lambda d, a, o: services.device_return(device=d, actor=a, condition="bon état"),
        (S.SOLD, S.RENTED, S.DONATED),
        K.RETURNED,
        lambda s: S.IN_WORKSHOP,
    ),
    "recycle": (
        lambda d, a, o: services.device_recycle(device=d, actor=a, channel="Ecologic", certificate=_certificate()),
        WORKSHOP,
        K.RECYCLED,
        lambda s: S.RECYCLED,
    ),
    "harvest": (
        lambda d, a, o: services.device_harvest(device=d, actor=a, parts="écran"),
        WORKSHOP,
        K.HARVESTED,
        lambda s: S.PARTS,
    ),
}
CASES = [(name, status) for name in SERVICES for status in ALL]


def _stored_files():
    root = Path(settings.PRIVATE_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize("name,status", CASES, ids=[f"{n}-from-{s}" for n, s in CASES])
def test_transition_matrix(device_in, technician, other_association, name, status):
    call, allowed, kind, after = SERVICES[name]
    device = device_in(status)
    before_row, before_events, before_files = device_row(device), event_count(device), _stored_files()

    if status in allowed:
        event = call(device, technician, other_association)
        device.refresh_from_db()
        assert event_count(device) == before_events + 1
        last = device.events.order_by("-pk").first()
        assert last.pk == event.pk
        assert (last.kind, last.status_before, last.status_after) == (kind, status, after(status))
        assert device.status == after(status)
        assert last.actor == technician
        assert last.association_id == device.association_id
    else:
        with pytest.raises(TransitionRefused):
            call(device, technician, other_association)
        assert device_row(device) == before_row
        assert event_count(device) == before_events
        assert _stored_files() == before_files  # no orphan certificate either


# --- The erasure rule (décret 2022-190) ------------------------------------------------------------------

OUTGOING = {
    "list": (S.READY, lambda d, a: services.device_list_for_sale(device=d, actor=a)),
    "reserve": (S.READY, lambda d, a: services.device_reserve_for_rental(device=d, actor=a)),
    "donate": (
        S.READY,
        lambda d, a: services.device_donate(
            device=d, actor=a, programme="P", beneficiary_category="org_association", territory="35"
        ),
    ),
    "sell": (
        S.LISTED,
        lambda d, a: services.device_sell(device=d, actor=a, beneficiary_category="individual", territory="35"),
    ),
    "rent": (S.RESERVED, lambda d, a: services.device_rent(device=d, actor=a, territory="35")),
}


def _forge(device, **fields):
    """Put the row in a state the services would never produce, to test the log check on its own."""
    Device.objects.filter(pk=device.pk).update(**fields)
    device.refresh_from_db()


@pytest.mark.parametrize("action", OUTGOING)
def test_nothing_goes_out_without_any_erasure_in_the_log(make_device, technician, action):
    """Even a row that claims to be erased is refused when the log holds no successful erasure."""
    status, call = OUTGOING[action]
    device = make_device()
    services.device_test(device=device, actor=technician, checklist=CHECKLIST_OK)
    services.device_grade(device=device, actor=technician, grade="A")
    _forge(device, status=status, needs_erasure=False)
    before_row, before_events = device_row(device), event_count(device)
    with pytest.raises(TransitionRefused, match="2022-190"):
        call(device, technician)
    assert (device_row(device), event_count(device)) == (before_row, before_events)


@pytest.mark.parametrize("action", OUTGOING)
def test_a_failed_erasure_does_not_count(make_device, technician, action):
    status, call = OUTGOING[action]
    device = make_device()
    services.device_test(device=device, actor=technician, checklist=CHECKLIST_OK)
    services.device_grade(device=device, actor=technician, grade="A")
    services.device_erase(device=device, actor=technician, method=ERASURE_METHOD, result="failure")
    device.refresh_from_db()
    assert (device.status, device.needs_erasure) == (S.IN_WORKSHOP, True)
    _forge(device, status=status, needs_erasure=False)
    before_row, before_events = device_row(device), event_count(device)
    with pytest.raises(TransitionRefused, match="2022-190"):
        call(device, technician)
    assert (device_row(device), event_count(device)) == (before_row, before_events)


@pytest.mark.parametrize("action", OUTGOING)
def test_the_needs_erasure_flag_alone_refuses(make_device, technician, action):
    status, call = OUTGOING[action]
    device = make_ready(make_device(), technician)
    _forge(device, status=status, needs_erasure=True)
    with pytest.raises(TransitionRefused, match="2022-190"):
        call(device, technician)


@pytest.mark.parametrize("outcome", [S.SOLD, S.RENTED, S.DONATED])
@pytest.mark.parametrize("action", OUTGOING)
def test_an_erasure_before_the_return_does_not_count(device_in, technician, outcome, action):
    """The log is read by recording order: an erasure recorded before the last RETURNED is for the previous
    owner's data, not the last one's."""
    status, call = OUTGOING[action]
    device = device_in(outcome)
    services.device_return(device=device, actor=technician)
    _forge(device, status=status, needs_erasure=False, tests_passed=True)
    with pytest.raises(TransitionRefused, match="2022-190"):
        call(device, technician)


@pytest.mark.parametrize("outcome", [S.SOLD, S.RENTED, S.DONATED])
def test_a_returned_device_needs_a_new_erasure_and_new_tests(device_in, technician, outcome):
    device = device_in(outcome)
    event = services.device_return(device=device, actor=technician, condition="rayure sur le capot")
    device.refresh_from_db()
    assert (event.status_before, event.status_after) == (outcome, S.IN_WORKSHOP)
    assert (device.status, device.needs_erasure, device.tests_passed) == (S.IN_WORKSHOP, True, False)
    assert (device.outcome_category, device.outcome_territory, device.outcome_department, device.outcome_at) == (
        "",
        "",
        "",
        None,
    )
    for action in OUTGOING.values():  # nothing can go out from the workshop
        with pytest.raises(TransitionRefused):
            action[1](device, technician)

    services.device_test(device=device, actor=technician, checklist=CHECKLIST_OK)
    services.device_erase(device=device, actor=technician, method=ERASURE_METHOD, result="failure")
    device.refresh_from_db()
    assert device.status == S.IN_WORKSHOP  # tested, but the only erasure since the return failed

    services.device_erase(device=device, actor=technician, method=ERASURE_METHOD)
    services.device_grade(device=device, actor=technician, grade="C")
    device.refresh_from_db()
    assert device.status == S.READY
    services.device_list_for_sale(device=device, actor=technician)
    services.device_sell(device=device, actor=technician, beneficiary_category="org_school", territory="29")
    device.refresh_from_db()
    assert (device.status, device.outcome_category, device.outcome_department) == (S.SOLD, "org_school", "29")


@pytest.mark.parametrize("outcome", [S.SOLD, S.RENTED])
def test_a_returned_device_is_not_ready_after_erasure_and_tests_alone(device_in, technician, outcome):
    """Erasure alone is not enough: the return reset the tests."""
    device = device_in(outcome)
    services.device_return(device=device, actor=technician)
    services.device_erase(device=device, actor=technician, method=ERASURE_METHOD)
    device.refresh_from_db()
    assert device.status == S.IN_WORKSHOP


@pytest.mark.parametrize("outcome", [S.SOLD, S.RENTED])
def test_a_returned_device_needs_a_new_grading_to_be_ready(device_in, technician, outcome):
    device = device_in(outcome)
    services.device_return(device=device, actor=technician, condition="écran fêlé")
    services.device_erase(device=device, actor=technician, method=ERASURE_METHOD)
    services.device_test(device=device, actor=technician, checklist=CHECKLIST_OK)
    device.refresh_from_db()
    assert (device.status, device.grade) == (S.IN_WORKSHOP, "")
    with pytest.raises(TransitionRefused):
        services.device_list_for_sale(device=device, actor=technician)
    services.device_grade(device=device, actor=technician, grade="C")
    device.refresh_from_db()
    assert (device.status, device.grade) == (S.READY, "C")


def test_workshop_steps_lead_to_ready_only_when_erased_tested_and_graded(make_device, technician):
    device = make_device()
    statuses = []
    for step in (
        lambda: services.device_clean(device=device, actor=technician),
        lambda: services.device_grade(device=device, actor=technician, grade="A"),
        lambda: services.device_test(device=device, actor=technician, checklist=CHECKLIST_OK),
        lambda: services.device_erase(device=device, actor=technician, method=ERASURE_METHOD, result="failure"),
        lambda: services.device_erase(device=device, actor=technician, method=ERASURE_METHOD),
    ):
        statuses.append(step().status_after)
    assert statuses == [S.IN_WORKSHOP] * 4 + [S.READY]
    device.refresh_from_db()
    assert not device.needs_erasure and device.tests_passed and device.grade == "A"


def test_a_failed_test_sends_a_ready_device_back_to_the_workshop(ready, technician):
    device = ready()
    services.device_test(device=device, actor=technician, checklist={"écran": True, "webcam": False})
    device.refresh_from_db()
    assert (device.status, device.tests_passed) == (S.IN_WORKSHOP, False)
    with pytest.raises(TransitionRefused):
        services.device_list_for_sale(device=device, actor=technician)


def test_erasure_records_its_details_and_certificate(make_device, technician):
    device = make_device()
    event = services.device_erase(
        device=device,
        actor=technician,
        method="  Blancco 5  ",
        tool="Blancco Drive Eraser",
        operator="Yann",
        erased_on=date(2026, 3, 31),
        certificate=_certificate(),
    )
    assert timezone.localtime(event.occurred_at).date() == date(2026, 3, 31)
    assert event.data == {
        "method": "Blancco 5",
        "tool": "Blancco Drive Eraser",
        "result": "success",
        "operator": "Yann",
    }
    assert event.evidence.name.startswith("devices/certificates/")
    assert event.evidence.open("rb").read() == b"%PDF-1.4 rapport d'effacement"


@pytest.mark.parametrize("kwargs", [{"method": "NIST", "result": "partial"}, {"method": "  ", "result": "success"}])
def test_an_erasure_needs_a_method_and_a_known_result(make_device, technician, kwargs):
    device = make_device()
    before = device_row(device), event_count(device)
    with pytest.raises(ValidationError):
        services.device_erase(device=device, actor=technician, certificate=_certificate(), **kwargs)
    assert (device_row(device), event_count(device)) == before
    assert _stored_files() == []


def test_bulk_erasure_is_all_or_nothing_and_stores_one_certificate(make_device, device_in, technician):
    devices = [make_device() for _ in range(3)]
    sold = device_in(S.SOLD)
    counts = [event_count(d) for d in devices]
    with pytest.raises(TransitionRefused, match=sold.asset_tag):
        services.devices_erase_bulk(
            devices=[*devices, sold], actor=technician, method="NIST", certificate=_certificate()
        )
    assert [event_count(d) for d in devices] == counts and _stored_files() == []

    events = services.devices_erase_bulk(devices=devices, actor=technician, method="NIST", certificate=_certificate())
    assert len(events) == 3 and len({e.evidence.name for e in events}) == 1 and len(_stored_files()) == 1
    assert all(not Device.objects.get(pk=d.pk).needs_erasure for d in devices)


def test_registration_appends_a_received_event(make_device, batch):
    device = make_device(brand="Dell", model="Latitude 5490", ram_gb=8)
    event = device.events.get()
    assert (event.kind, event.status_before, event.status_after) == (K.RECEIVED, "", S.RECEIVED)
    assert event.occurred_at.date() == batch.received_on and event.data == {"batch": batch.pk}
    assert (device.status, device.needs_erasure, device.association) == (S.RECEIVED, True, batch.association)
    assert len(device.asset_tag) == 7 and device.asset_tag[3] == "-"


def test_registration_refuses_unknown_fields(batch):
    with pytest.raises(TypeError):
        services.device_register(batch=batch, category="laptop", status="sold")
    assert not batch.devices.exists()


def test_registration_draws_another_tag_when_the_generated_one_is_taken(make_device, monkeypatch):
    first = make_device()
    tags = iter([first.asset_tag, "KKK-777"])
    # Field.get_default() calls the cached `_get_default`, which wraps `asset_tag_generate`.
    monkeypatch.setattr(Device._meta.get_field("asset_tag"), "_get_default", lambda: next(tags), raising=False)
    assert make_device().asset_tag == "KKK-777"


def test_registration_draws_another_tag_when_a_concurrent_one_took_it_first(make_device, batch, monkeypatch):
    """Another registration inserts the same tag between the check and the insert: the savepoint catches the
    IntegrityError and the device is registered under another tag."""
    first = make_device()
    tags = iter(["FFF-333", "HHH-444"])
    monkeypatch.setattr(Device._meta.get_field("asset_tag"), "_get_default", lambda: next(tags), raising=False)
    full_clean = Device.full_clean
    raced = []

    def full_clean_then_race(self, *args, **kwargs):
        full_clean(self, *args, **kwargs)
        if self.pk is None and not raced:
            raced.append(
                Device.objects.create(
                    batch=batch, association=first.association, category="laptop", asset_tag="FFF-333"
                )
            )

    monkeypatch.setattr(Device, "full_clean", full_clean_then_race)
    device = make_device()
    assert device.asset_tag == "HHH-444" and raced[0].asset_tag == "FFF-333"
    assert list(device.events.values_list("kind", flat=True)) == [K.RECEIVED]


def test_registration_gives_up_when_no_free_tag_is_drawn(make_device, monkeypatch):
    taken = make_device().asset_tag
    monkeypatch.setattr(Device._meta.get_field("asset_tag"), "_get_default", lambda: taken, raising=False)
    before = Device.objects.count()
    with pytest.raises(ValidationError) as refused:
        make_device()
    assert "asset_tag" in refused.value.message_dict
    assert Device.objects.count() == before


def test_a_serial_registered_twice_is_refused_not_retried(make_device):
    make_device(serial="SN-TWICE", brand="Dell")
    with pytest.raises(ValidationError):
        make_device(serial="SN-TWICE", brand="Dell")


@pytest.mark.parametrize("recycled_or_parts", [S.RECYCLED, S.PARTS])
def test_recycled_and_harvested_devices_are_final(device_in, technician, recycled_or_parts):
    device = device_in(recycled_or_parts)
    for name, (call, _allowed, _kind, _after) in SERVICES.items():
        if name == "correct":
            continue
        with pytest.raises(TransitionRefused):
            call(device, technician, None)


def test_recycling_records_the_channel_and_certificate(make_device, technician):
    device = make_device()
    event = services.device_recycle(device=device, actor=technician, channel=" Ecologic ", certificate=_certificate())
    assert event.data == {"channel": "Ecologic"} and event.evidence.name.startswith("devices/certificates/")
    with pytest.raises(ValidationError):
        services.device_recycle(device=make_device(), actor=technician, channel="  ")


STORING_STEPS = {
    "recycle": lambda d, a: services.device_recycle(device=d, actor=a, channel="Ecologic", certificate=_certificate()),
    "erase": lambda d, a: services.device_erase(device=d, actor=a, method=ERASURE_METHOD, certificate=_certificate()),
    "erase_bulk": lambda d, a: services.devices_erase_bulk(
        devices=[d], actor=a, method=ERASURE_METHOD, certificate=_certificate()
    ),
}


@pytest.mark.parametrize("step", STORING_STEPS)
def test_a_step_refused_by_validation_stores_no_certificate(make_device, technician, step):
    """The certificate is stored only once the event and the device are valid, not before."""
    device = make_device()
    _forge(device, battery_health=150)  # a row that fails full_clean (at most 100 %)
    before = device_row(device), event_count(device), _stored_files()
    with pytest.raises(ValidationError) as refused:
        STORING_STEPS[step](device, technician)
    assert "battery_health" in refused.value.message_dict
    assert (device_row(device), event_count(device), _stored_files()) == before


def test_a_bulk_erasure_refused_on_its_last_device_stores_no_certificate(make_device, technician):
    first, last = make_device(), make_device()
    _forge(last, battery_health=150)
    before = _stored_files()
    with pytest.raises(ValidationError):
        services.devices_erase_bulk(
            devices=[first, last], actor=technician, method=ERASURE_METHOD, certificate=_certificate()
        )
    assert (event_count(first), event_count(last), _stored_files()) == (1, 1, before)


# --- Outcomes: territory and beneficiary category ----------------------------------------------------------


@pytest.mark.parametrize(
    "territory,stored,department",
    [
        ("35", "35", "35"),
        ("35238", "35238", "35"),
        ("2A", "2A", "2A"),
        ("2b", "2B", "2B"),
        ("2A004", "2A004", "2A"),
        ("974", "974", "974"),
        ("97411", "97411", "974"),
        (" 29019 ", "29019", "29"),
    ],
)
def test_outcome_territory_is_a_departement_or_a_commune(ready, technician, territory, stored, department):
    device = ready()
    event = services.device_donate(
        device=device, actor=technician, programme="P", beneficiary_category="org_school", territory=territory
    )
    device.refresh_from_db()
    assert (device.outcome_territory, device.outcome_department) == (stored, department)
    assert event.data["territory"] == stored


INVALID_TERRITORIES = ["", "3", "350", "3523", "999999", "ABCDE", "35 238", "2C", "2C004", "977", "Rennes"]


@pytest.mark.parametrize("territory", INVALID_TERRITORIES)
@pytest.mark.parametrize("how", ["sell", "rent", "donate"])
def test_outcome_territory_is_validated(device_in, technician, territory, how):
    status = {"sell": S.LISTED, "rent": S.RESERVED, "donate": S.READY}[how]
    device = device_in(status)
    before = device_row(device), event_count(device)
    call = {
        "sell": lambda: services.device_sell(
            device=device, actor=technician, beneficiary_category="individual", territory=territory
        ),
        "rent": lambda: services.device_rent(device=device, actor=technician, territory=territory),
        "donate": lambda: services.device_donate(
            device=device, actor=technician, programme="P", beneficiary_category="org_school", territory=territory
        ),
    }[how]
    with pytest.raises(ValidationError):
        call()
    assert (device_row(device), event_count(device)) == before


@pytest.mark.parametrize("territory", ["00", "20", "96", "97", "99", "00123", "20000", "96123", "97711"])
def test_codes_that_are_no_departement_are_refused(ready, technician, territory):
    with pytest.raises(ValidationError):
        services.device_donate(
            device=ready(), actor=technician, programme="P", beneficiary_category="org_school", territory=territory
        )


@pytest.mark.parametrize("category", ["", "Mme Dupont", "INDIVIDUAL", "individual ", "org_ccas,individual"])
@pytest.mark.parametrize("how", ["sell", "rent", "donate"])
def test_outcome_needs_a_known_beneficiary_category(device_in, technician, category, how):
    status = {"sell": S.LISTED, "rent": S.RESERVED, "donate": S.READY}[how]
    device = device_in(status)
    before = device_row(device), event_count(device)
    kwargs = {"device": device, "actor": technician, "beneficiary_category": category, "territory": "35"}
    with pytest.raises(ValidationError) as refused:
        {
            "sell": lambda: services.device_sell(**kwargs),
            "rent": lambda: services.device_rent(**kwargs),
            "donate": lambda: services.device_donate(programme="P", **kwargs),
        }[how]()
    assert "beneficiary_category" in refused.value.message_dict
    assert (device_row(device), event_count(device)) == before


@pytest.mark.parametrize("category", BeneficiaryCategory.values)
def test_every_beneficiary_category_is_accepted(ready, technician, category):
    device = ready()
    event = services.device_donate(
        device=device, actor=technician, programme="P", beneficiary_category=category, territory="56"
    )
    device.refresh_from_db()
    assert device.outcome_category == category == event.data["beneficiary_category"]


def test_a_donation_needs_a_programme(ready, technician):
    device = ready()
    with pytest.raises(ValidationError):
        services.device_donate(
            device=device, actor=technician, programme=" ", beneficiary_category="org_school", territory="35"
        )
    assert device_row(device)["status"] == S.READY


def test_outcome_events_hold_categories_and_references_never_people(device_in, technician):
    sold = device_in(S.LISTED)
    event = services.device_sell(
        device=sold, actor=technician, beneficiary_category="org_ccas", territory="35238", reference="ORDER-42-1"
    )
    assert event.data == {"reference": "ORDER-42-1", "beneficiary_category": "org_ccas", "territory": "35238"}
    rented = device_in(S.RESERVED)
    event = services.device_rent(device=rented, actor=technician, territory="29019", reference="AGR-7")
    assert event.data == {"reference": "AGR-7", "beneficiary_category": "region_trainee", "territory": "29019"}
    rented.refresh_from_db()
    assert (rented.outcome_category, rented.outcome_department) == ("region_trainee", "29")
    assert rented.outcome_at is not None


# --- Transfer, correction ----------------------------------------------------------------------------------


def test_a_transfer_is_sent_then_received_and_the_holder_changes_on_receipt_only(
    make_device, technician, association, other_association
):
    device = make_device()
    services.device_clean(device=device, actor=technician)
    sent = services.device_transfer_send(
        device=device, actor=technician, to_association=other_association, note="stock"
    )
    device.refresh_from_db()
    assert (device.status, device.association, device.transfer_to) == (S.IN_TRANSIT, association, other_association)
    assert sent.association == association and sent.data == {"from": "Déclic", "to": "Atelier du Léon"}
    with pytest.raises(TransitionRefused):  # nothing is done to a device on the road
        services.device_clean(device=device, actor=technician)

    received = services.device_transfer_receive(device=device, actor=technician)
    device.refresh_from_db()
    assert (device.status, device.association, device.transfer_to) == (S.IN_WORKSHOP, other_association, None)
    # Recorded on both sides: sent by the one, received by the other.
    assert received.association == other_association and received.kind == K.TRANSFER_RECEIVED
    assert device.batch.association == association  # the collecting association stays on the batch
    later = services.device_clean(device=device, actor=technician)
    assert later.association == other_association


def test_a_transfer_cancelled_by_the_sender_leaves_the_device_where_it_was(
    make_device, technician, association, other_association
):
    device = make_device()
    services.device_transfer_send(device=device, actor=technician, to_association=other_association)
    cancelled = services.device_transfer_cancel(device=device, actor=technician, reason="erreur de destinataire")
    device.refresh_from_db()
    assert (device.status, device.association, device.transfer_to) == (S.RECEIVED, association, None)
    assert cancelled.association == association and cancelled.note == "erreur de destinataire"
    with pytest.raises(TransitionRefused):
        services.device_transfer_receive(device=device, actor=technician)


def test_transfer_to_the_same_association_is_refused(make_device, technician, association):
    device = make_device()
    before = device_row(device), event_count(device)
    with pytest.raises(ValidationError):
        services.device_transfer_send(device=device, actor=technician, to_association=association)
    assert (device_row(device), event_count(device)) == before


def test_correction_keeps_old_and_new_values(device_in, technician):
    device = device_in(S.SOLD, ram_gb=4, brand="Dell")
    event = services.device_correct(
        device=device, actor=technician, changes={"ram_gb": 8, "brand": "HP"}, note="erreur de saisie"
    )
    device.refresh_from_db()
    assert (device.ram_gb, device.brand, device.status) == (8, "HP", S.SOLD)
    assert event.data == {"before": {"ram_gb": "4", "brand": "Dell"}, "after": {"ram_gb": "8", "brand": "HP"}}
    assert (event.status_before, event.status_after, event.note) == (S.SOLD, S.SOLD, "erreur de saisie")


@pytest.mark.parametrize(
    "changes,note",
    [
        ({"ram_gb": 8}, "  "),  # no reason given
        ({"grade": "A"}, "mieux"),  # grade only through grading
        ({"status": "ready"}, "raccourci"),
        ({"needs_erasure": False}, "raccourci"),
        ({"battery_health": 150}, "typo"),  # invalid value: the event is rolled back with the row
        ({"category": "toaster"}, "typo"),
    ],
)
def test_invalid_corrections_change_nothing(make_device, technician, changes, note):
    device = make_device(ram_gb=4)
    before = device_row(device), event_count(device)
    with pytest.raises(ValidationError):
        services.device_correct(device=device, actor=technician, changes=changes, note=note)
    assert (device_row(device), event_count(device)) == before


# --- The log is append-only ---------------------------------------------------------------------------------


def test_events_are_never_edited_nor_deleted(make_device, technician):
    device = make_device()
    services.device_clean(device=device, actor=technician)
    event = device.events.order_by("pk").first()
    event.note = "réécrire l'histoire"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        DeviceEvent.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(ValidationError):
        DeviceEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(ValidationError):
        DeviceEvent.objects.all().delete()
    with pytest.raises(ValidationError):
        device.events.update(note="x")
    with pytest.raises(ValidationError):
        device.events.all().delete()
    with pytest.raises(ValidationError), transaction.atomic():
        DeviceEvent.objects.bulk_update([event], ["note"])
    with pytest.raises(ProtectedError), transaction.atomic():
        device.delete()  # a device with a history cannot disappear
    stored = list(DeviceEvent.objects.filter(device=device).order_by("pk").values_list("kind", "note"))
    assert stored == [(K.RECEIVED, ""), (K.CLEANED, "")]
