"""Property-based: random sequences of service calls on a few devices.

A small reference model of the transition rules predicts, for every call, whether it is accepted and the
status it leads to; the services must agree (an accepted call appends exactly one event, a refused one
changes nothing). After every step, from the event log alone:
(a) every SOLD/RENTED/DONATED event has a successful ERASED event after the last RECEIVED/RETURNED event
    before it (by pk);
(b) `selectors.batch_report(batch)` equals the counts recomputed from the log (a device's status is the
    status_after of its last event; its beneficiary category and territory those of its last outcome event);
(c) each device row agrees with its log.
Each example runs in a transaction rolled back at its end.
"""

from collections import Counter
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import settings, target
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from devices import selectors, services
from devices.models import (
    TERRITORY_RE,
    Association,
    BeneficiaryCategory,
    Device,
    DeviceEvent,
    Donor,
    IntakeBatch,
    department_of,
)
from devices.services import TransitionRefused

S = Device.Status
K = DeviceEvent.Kind
WORKSHOP = (S.RECEIVED, S.IN_WORKSHOP, S.READY)
MAX_DEVICES = 5
AIM = -1
TERRITORIES = ["35", "35238", "29019", "56", "22278", "2A004", "2B", "974", "97411", "", "3X", "35 238", "20", "99"]
CATEGORIES = [*BeneficiaryCategory.values, "", "Mme Le Goff"]
OUTCOME_EVENTS = (K.SOLD, K.RENTED, K.DONATED)
INDEX = st.integers(AIM, MAX_DEVICES - 1)


@dataclass
class Model:
    """What the rules say a device is."""

    status: str = S.RECEIVED
    needs_erasure: bool = True
    tests_passed: bool = False
    graded: bool = False
    association: int = 0  # index into the machine's two associations
    sent_from: str = ""  # the status a device in transit was sent in (it comes back in it)

    def workshop_status(self):
        return S.READY if not self.needs_erasure and self.tests_passed and self.graded else S.IN_WORKSHOP


def _valid_outcome(category, territory):
    return category in BeneficiaryCategory.values and TERRITORY_RE.match(territory.strip().upper()) is not None


def check_log(batch):
    """The invariants (a), (b) and (c), computed from the event log only."""
    events_by_device: dict[int, list[DeviceEvent]] = {}
    for event in DeviceEvent.objects.filter(device__batch=batch).order_by("pk"):
        events_by_device.setdefault(event.device_id, []).append(event)

    # (a) no outcome without a successful erasure since the last owner
    for events in events_by_device.values():
        erased_since_owner = False
        for event in events:
            if event.kind in (K.RECEIVED, K.RETURNED):
                erased_since_owner = False
            elif event.erasure_succeeded:
                erased_since_owner = True
            elif event.kind in OUTCOME_EVENTS:
                assert erased_since_owner, f"{event.kind} event {event.pk} without an erasure since the last owner"

    # (b) the report equals the log
    rows = {d.pk: d for d in Device.objects.filter(batch=batch)}
    statuses, categories, departments, device_categories = Counter(), Counter(), Counter(), Counter()
    for pk, events in events_by_device.items():
        status = events[-1].status_after
        statuses[status] += 1
        outcome = next((e for e in reversed(events) if e.kind in OUTCOME_EVENTS), None)
        if status in Device.REUSED:
            assert outcome is not None and outcome.status_after == status
            categories[str(BeneficiaryCategory(outcome.data["beneficiary_category"]).label)] += 1
            departments[department_of(outcome.data["territory"])] += 1
            device_categories[str(Device.Category(rows[pk].category).label)] += 1
        # (c) the row agrees with its log
        row = rows[pk]
        assert row.status == status
        if status in Device.REUSED:
            expected = (
                outcome.data["beneficiary_category"],
                outcome.data["territory"],
                department_of(outcome.data["territory"]),
            )
            assert (row.outcome_category, row.outcome_territory, row.outcome_department) == expected
            assert row.outcome_at is not None
        else:
            assert (row.outcome_category, row.outcome_territory, row.outcome_department, row.outcome_at) == (
                "",
                "",
                "",
                None,
            )

    report = selectors.batch_report(batch)
    assert report.total == len(events_by_device) == len(rows)
    assert {status: n for status, _label, n in report.by_status} == {status: statuses[status] for status in S}
    assert report.reused == sum(statuses[s] for s in Device.REUSED)
    assert report.processed == report.reused + statuses[S.RECYCLED] + statuses[S.PARTS]
    assert {str(label): n for label, n in report.by_category} == dict(categories)
    assert dict(report.by_department) == dict(departments)
    assert {str(label): n for label, n in report.by_device_category} == dict(device_categories)
    # the lists are sorted by count, largest first
    assert [n for _label, n in report.by_category] == sorted((n for _label, n in report.by_category), reverse=True)


class RegistryMachine(RuleBasedStateMachine):
    """Set `batch`, `associations` and `actor` on a subclass."""

    batch: IntakeBatch
    associations: tuple[Association, Association]
    actor = None

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.devices: list[Device] = []
        self.models: list[Model] = []
        self.focus = 0

    def teardown(self):
        # guide the search towards long lives: outcomes and returns
        lives = DeviceEvent.objects.filter(device__batch=self.batch, kind__in=[*OUTCOME_EVENTS, K.RETURNED])
        target(float(lives.count()), label="outcomes and returns")
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers -------------------------------------------------------------------------------------

    def _pick(self, index, allowed):
        """`index` -1 aims: at the device of the previous step if the rules accept the call on it, else at the
        first one they accept it on, so that sequences go deep (ready, sold, returned, erased again, sold
        again...); other values pick a device whatever its status."""
        if index == AIM:
            if not allowed(self.models[self.focus]):
                self.focus = next((i for i, m in enumerate(self.models) if allowed(m)), self.focus)
        else:
            self.focus = index % len(self.devices)
        return self.focus

    def _call(self, index, allowed, call, after, valid=True):
        """Run `call` on device `index`; `allowed(model)` says whether the rules accept it and `after(model)`
        updates the model and returns the expected status."""
        index = self._pick(index, allowed)
        device, model = Device.objects.get(pk=self.devices[index].pk), self.models[index]
        row_before = Device.objects.filter(pk=device.pk).values().get()
        count_before = device.events.count()
        if not valid:
            with pytest.raises(ValidationError):
                call(device)
            accepted = False
        elif not allowed(model):
            with pytest.raises(TransitionRefused):
                call(device)
            accepted = False
        else:
            event = call(device)
            accepted = True
        if not accepted:
            assert Device.objects.filter(pk=device.pk).values().get() == row_before
            assert device.events.count() == count_before
            return
        status_before = model.status
        expected = after(model)
        model.status = expected
        device.refresh_from_db()
        assert device.events.count() == count_before + 1
        assert device.events.order_by("-pk").first().pk == event.pk
        assert (event.status_before, event.status_after, device.status) == (status_before, expected, expected)
        assert device.association_id == self.associations[model.association].pk
        assert (device.needs_erasure, device.tests_passed) == (model.needs_erasure, model.tests_passed)

    # --- rules ---------------------------------------------------------------------------------------

    @precondition(lambda self: len(self.devices) < MAX_DEVICES)
    @rule(category=st.sampled_from(Device.Category.values))
    def register(self, category):
        device = services.device_register(batch=self.batch, category=category, actor=self.actor)
        assert device.status == S.RECEIVED and device.events.count() == 1
        self.devices.append(device)
        self.models.append(Model())
        self.focus = len(self.devices) - 1

    @precondition(lambda self: self.devices)
    @rule(index=INDEX)
    def clean(self, index):
        self._call(
            index,
            lambda m: m.status in WORKSHOP,
            lambda d: services.device_clean(device=d, actor=self.actor),
            lambda m: m.workshop_status(),
        )

    @precondition(lambda self: self.devices)
    @rule(index=INDEX, passed=st.booleans())
    def test(self, index, passed):
        def after(m):
            m.tests_passed = passed
            return m.workshop_status()

        self._call(
            index,
            lambda m: m.status in WORKSHOP,
            lambda d: services.device_test(device=d, actor=self.actor, checklist={"écran": True, "clavier": passed}),
            after,
        )

    @precondition(lambda self: self.devices)
    @rule(index=INDEX, success=st.booleans())
    def erase(self, index, success):
        def after(m):
            if success:
                m.needs_erasure = False
            return m.workshop_status()

        self._call(
            index,
            lambda m: m.status in WORKSHOP,
            lambda d: services.device_erase(
                device=d, actor=self.actor, method="NIST SP 800-88", result="success" if success else "failure"
            ),
            after,
        )

    @precondition(lambda self: self.devices)
    @rule(index=INDEX, grade=st.sampled_from(Device.Grade.values))
    def grade(self, index, grade):
        def after(m):
            m.graded = True
            return m.workshop_status()

        self._call(
            index,
            lambda m: m.status in WORKSHOP,
            lambda d: services.device_grade(device=d, actor=self.actor, grade=grade),
            after,
        )

    @precondition(lambda self: self.devices)
    @rule(index=INDEX)
    def workshop_round(self, index):
        """Test (passed), erase (success) and grade in a row: three calls, so that sequences reach READY and
        the outcomes often enough."""
        self.test(index, True)
        self.erase(index, True)
        self.grade(index, "B")

    @precondition(lambda self: self.devices)
    @rule(
        index=INDEX,
        how=st.sampled_from(["sell", "rent", "donate"]),
        category=st.sampled_from(BeneficiaryCategory.values),
        territory=st.sampled_from([t for t in TERRITORIES if TERRITORY_RE.match(t)]),
    )
    def outcome_round(self, index, how, category, territory):
        """List and sell, reserve and rent, or donate, in a row (valid category and territory)."""
        if how == "sell":
            self.list_for_sale(index)
            self.sell(index, category, territory)
        elif how == "rent":
            self.reserve(index)
            self.rent(index, territory)
        else:
            self.donate(index, category, territory)

    def _simple(self, index, start, end, call):
        self._call(index, lambda m: m.status == start, call, lambda m: end)

    @precondition(lambda self: self.devices)
    @rule(index=INDEX)
    def list_for_sale(self, index):
        self._simple(index, S.READY, S.LISTED, lambda d: services.device_list_for_sale(device=d, actor=self.actor))

    @precondition(lambda self: self.devices)
    @rule(index=INDEX)
    def unlist(self, index):
        self._simple(index, S.LISTED, S.READY, lambda d: services.device_unlist(device=d, actor=self.actor))

    @precondition(lambda self: self.devices)
    @rule(index=INDEX)
    def reserve(self, index):
        self._simple(
            index, S.READY, S.RESERVED, lambda d: services.device_reserve_for_rental(device=d, actor=self.actor)
        )

    @precondition(lambda self: self.devices)
    @rule(index=INDEX)
    def release(self, index):
        self._simple(
            index, S.RESERVED, S.READY, lambda d: services.device_release_from_rental(device=d, actor=self.actor)
        )

    @precondition(lambda self: self.devices)
    @rule(
        index=INDEX,
        category=st.sampled_from(CATEGORIES),
        territory=st.sampled_from(TERRITORIES),
    )
    def sell(self, index, category, territory):
        self._call(
            index,
            lambda m: m.status == S.LISTED,
            lambda d: services.device_sell(
                device=d, actor=self.actor, beneficiary_category=category, territory=territory, reference="ORDER-1-1"
            ),
            lambda m: S.SOLD,
            valid=_valid_outcome(category, territory),
        )

    @precondition(lambda self: self.devices)
    @rule(index=INDEX, territory=st.sampled_from(TERRITORIES))
    def rent(self, index, territory):
        self._call(
            index,
            lambda m: m.status == S.RESERVED,
            lambda d: services.device_rent(device=d, actor=self.actor, territory=territory, reference="AGR-1"),
            lambda m: S.RENTED,
            valid=_valid_outcome(BeneficiaryCategory.REGION_TRAINEE, territory),
        )

    @precondition(lambda self: self.devices)
    @rule(
        index=INDEX,
        category=st.sampled_from(CATEGORIES),
        territory=st.sampled_from(TERRITORIES),
    )
    def donate(self, index, category, territory):
        self._call(
            index,
            lambda m: m.status == S.READY,
            lambda d: services.device_donate(
                device=d,
                actor=self.actor,
                programme="Mission locale",
                beneficiary_category=category,
                territory=territory,
            ),
            lambda m: S.DONATED,
            valid=_valid_outcome(category, territory),
        )

    @precondition(lambda self: self.devices)
    @rule(index=INDEX)
    def return_(self, index):
        def after(m):
            # back to the workshop, to be erased, tested and graded again (it may come back damaged)
            m.needs_erasure, m.tests_passed, m.graded = True, False, False
            return S.IN_WORKSHOP

        self._call(
            index,
            lambda m: m.status in Device.REUSED,
            lambda d: services.device_return(device=d, actor=self.actor, condition="bon état"),
            after,
        )

    @precondition(lambda self: self.devices)
    @rule(index=st.integers(0, MAX_DEVICES - 1), parts=st.booleans())
    def end_of_life(self, index, parts):
        """Recycle or harvest (one rule for both final steps, never aimed, so that devices live long enough)."""
        if parts:
            call, status = lambda d: services.device_harvest(device=d, actor=self.actor, parts="RAM"), S.PARTS
        else:
            call, status = lambda d: services.device_recycle(device=d, actor=self.actor, channel="Ecologic"), S.RECYCLED
        self._call(index, lambda m: m.status in WORKSHOP, call, lambda m: status)

    @precondition(lambda self: self.devices)
    @rule(index=INDEX)
    def transfer_send(self, index):
        def after(m):
            m.sent_from = m.status
            return S.IN_TRANSIT

        def call(device):
            other = next(a for a in self.associations if a.pk != device.association_id)
            return services.device_transfer_send(device=device, actor=self.actor, to_association=other)

        self._call(index, lambda m: m.status in WORKSHOP, call, after)

    @precondition(lambda self: self.devices)
    @rule(index=INDEX, received=st.booleans())
    def transfer_end(self, index, received):
        """The receiver records the receipt (it becomes the holder) or the sender cancels: back in the status
        it was sent in, the holder changed only on receipt."""

        def after(m):
            if received:
                m.association = 1 - m.association
            return m.sent_from

        def call(device):
            if received:
                return services.device_transfer_receive(device=device, actor=self.actor)
            return services.device_transfer_cancel(device=device, actor=self.actor)

        self._call(index, lambda m: m.status == S.IN_TRANSIT, call, after)

    @invariant()
    def log_and_report_agree(self):
        check_log(self.batch)


@pytest.mark.django_db
def test_random_service_sequences_keep_the_rules_and_the_reports():
    association = Association.objects.create(name="Déclic", slug="declic")
    other = Association.objects.create(name="Atelier du Léon", slug="leon")
    donor = Donor.objects.create(name="Région Bretagne", kind=Donor.Kind.LOCAL_AUTHORITY)
    actor = get_user_model().objects.create_user(email="hypothese@atelier.example", password="x" * 12)

    class Machine(RegistryMachine):
        batch = IntakeBatch.objects.create(donor=donor, association=association)
        associations = (association, other)

    Machine.actor = actor
    run_state_machine_as_test(
        Machine, settings=settings(max_examples=60, stateful_step_count=40, deadline=None, database=None)
    )
