"""Property-based: whatever sequence of service calls, (a) no outcome without a prior successful erasure since
the last owner, and (b) batch reports always equal counts recomputed from the event log."""

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices import selectors, services
from devices.models import Association, BeneficiaryCategory, Device, DeviceEvent, Donor, IntakeBatch, department_of

K = DeviceEvent.Kind
TERRITORIES = ["35", "29019", "56260", "22"]
CATEGORIES = [BeneficiaryCategory.INDIVIDUAL, BeneficiaryCategory.REGION_TRAINEE, BeneficiaryCategory.SCHOOL]


def _apply(device, action, flag, pick, other):
    a = None
    calls = {
        "clean": lambda: services.device_clean(device=device, actor=a),
        "test": lambda: services.device_test(device=device, actor=a, checklist={"écran": True, "clavier": flag}),
        "erase": lambda: services.device_erase(
            device=device, actor=a, method="NIST", result="success" if flag else "failure"
        ),
        "grade": lambda: services.device_grade(device=device, actor=a, grade="A"),
        "list": lambda: services.device_list_for_sale(device=device, actor=a),
        "unlist": lambda: services.device_unlist(device=device, actor=a),
        "reserve": lambda: services.device_reserve_for_rental(device=device, actor=a),
        "release": lambda: services.device_release_from_rental(device=device, actor=a),
        "sell": lambda: services.device_sell(
            device=device, actor=a, beneficiary_category=CATEGORIES[pick % 3], territory=TERRITORIES[pick % 4]
        ),
        "rent": lambda: services.device_rent(device=device, actor=a, territory=TERRITORIES[pick % 4]),
        "donate": lambda: services.device_donate(
            device=device,
            actor=a,
            programme="P",
            beneficiary_category=CATEGORIES[pick % 3],
            territory=TERRITORIES[pick % 4],
        ),
        "return": lambda: services.device_return(device=device, actor=a),
        "recycle": lambda: services.device_recycle(device=device, actor=a, channel="DEEE"),
        "harvest": lambda: services.device_harvest(device=device, actor=a),
        "transfer": lambda: services.device_transfer(device=device, actor=a, to_association=other),
    }
    try:
        calls[action]()
    except ValidationError:
        pass  # a refused transition: the rules said no


ACTIONS = [
    "clean",
    "test",
    "erase",
    "grade",
    "list",
    "unlist",
    "reserve",
    "release",
    "sell",
    "rent",
    "donate",
    "return",
    "recycle",
    "harvest",
    "transfer",
]
step = st.tuples(st.integers(0, 2), st.sampled_from(ACTIONS), st.booleans(), st.integers(0, 11))


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=40))
def test_no_outcome_without_erasure_and_reports_equal_the_log(steps):
    with transaction.atomic():
        association = Association.objects.create(name="Déclic", slug="declic")
        other = Association.objects.create(name="Léon", slug="leon")
        donor = Donor.objects.create(name="Région", kind=Donor.Kind.LOCAL_AUTHORITY)
        batch = IntakeBatch.objects.create(donor=donor, association=association)
        devices = [services.device_register(batch=batch, category="laptop", serial=f"P{n}") for n in range(3)]
        for index, action, flag, pick in steps:
            device = Device.objects.get(pk=devices[index].pk)
            target = other if device.association_id == association.pk else association
            _apply(device, action, flag, pick, target)

        # (a) every outcome follows a successful erasure recorded after the last owner.
        for device in devices:
            last_owner = None
            erased = False
            for event in device.events.order_by("pk"):
                if event.kind in (K.RECEIVED, K.RETURNED):
                    last_owner, erased = event.pk, False
                elif event.erasure_succeeded:
                    erased = True
                elif event.kind in DeviceEvent.OUTCOMES:
                    assert erased, f"{event} without erasure since event {last_owner}"

        # (b) the report equals what the log says.
        status_from_log, categories, departments = Counter(), Counter(), Counter()
        for device in devices:
            events = list(device.events.order_by("pk"))
            status = events[-1].status_after
            status_from_log[status] += 1
            if status in Device.REUSED:
                outcome = next(e for e in reversed(events) if e.kind in DeviceEvent.OUTCOMES)
                categories[BeneficiaryCategory(outcome.data["beneficiary_category"]).label] += 1
                departments[department_of(outcome.data["territory"])] += 1
        report = selectors.batch_report(batch)
        assert {s: n for s, _label, n in report.by_status if n} == dict(status_from_log)
        assert report.total == 3
        assert report.reused == sum(status_from_log[s] for s in Device.REUSED)
        assert report.processed == report.reused + sum(status_from_log[s] for s in Device.ENDED)
        assert {str(label): n for label, n in report.by_category} == {str(k): v for k, v in categories.items()}
        assert dict(report.by_department) == dict(departments)
        transaction.set_rollback(True)
