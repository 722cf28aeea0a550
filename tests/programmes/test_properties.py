"""Property-based: random sequences of allocation steps on a few devices of one programme.

A reference model predicts whether each step is accepted; the services must agree (a refused step changes
nothing). After every step:
(a) every device ever allocated is, by its last allocation, in exactly one of: pending at the partner
    (allocated or received), handed over, returned; its registry status agrees; no device has two open
    allocations;
(b) the programme report's counts equal the event log's (allocated, handed over, returned events) and the
    allocations' own.
Each example runs in a transaction rolled back at its end.
"""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from devices import services as registry
from devices.models import Association, Device, DeviceEvent, Donor, IntakeBatch, PartnerKind
from programmes import selectors, services
from programmes.models import Allocation, Programme, RelayPartner
from tests.devices.conftest import CHECKLIST_OK, ERASURE_METHOD

S = Device.Status
A = Allocation.Status
DEVICES = 4
INDEX = st.integers(0, DEVICES - 1)
CATEGORIES = ["youth_mission_locale", "individual", ""]
SITUATIONS = ["Demandeur d'emploi", "Étudiant", "Retraité"]


class AllocationMachine(RuleBasedStateMachine):
    programme: Programme
    partners: tuple[RelayPartner, RelayPartner]
    batch: IntakeBatch
    actor = None

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.devices = []
        for _n in range(DEVICES):
            device = registry.device_register(batch=self.batch, category=Device.Category.LAPTOP)
            registry.device_test(device=device, actor=self.actor, checklist=CHECKLIST_OK)
            registry.device_erase(device=device, actor=self.actor, method=ERASURE_METHOD)
            registry.device_grade(device=device, actor=self.actor, grade="B")
            self.devices.append(device)
        self.last: dict[int, str] = {}  # the model: device index → status of its last allocation

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _allocation(self, index):
        return Allocation.objects.filter(device=self.devices[index]).order_by("-pk").first()

    def _attempt(self, index, accepted: bool, call, after: str | None):
        allocation = self._allocation(index)
        before = (
            Device.objects.filter(pk=self.devices[index].pk).values().get(),
            DeviceEvent.objects.filter(device=self.devices[index]).count(),
            Allocation.objects.filter(pk=getattr(allocation, "pk", None)).values().first(),
        )
        try:
            call(allocation)
        except ValidationError:
            assert not accepted, "a step the rules allow was refused"
            after_refusal = (
                Device.objects.filter(pk=self.devices[index].pk).values().get(),
                DeviceEvent.objects.filter(device=self.devices[index]).count(),
                Allocation.objects.filter(pk=getattr(allocation, "pk", None)).values().first(),
            )
            assert after_refusal == before, "a refused step changed something"
        else:
            assert accepted, "a step the rules forbid was accepted"
            self.last[index] = after

    @rule(index=INDEX, partner=st.integers(0, 1))
    def allocate(self, index, partner):
        device = Device.objects.get(pk=self.devices[index].pk)
        accepted = device.status == S.READY and len([s for s in self.last.values() if s != A.RETURNED]) < 3
        self._attempt(
            index,
            accepted,
            lambda _a: services.allocation_create(
                device=device, programme=self.programme, partner=self.partners[partner], actor=self.actor
            ),
            A.ALLOCATED,
        )

    @rule(index=INDEX)
    def receive(self, index):
        self._attempt(
            index,
            self.last.get(index) == A.ALLOCATED,
            lambda a: services.allocation_receive(allocation=a, actor=self.actor) if a else _refuse(),
            A.RECEIVED,
        )

    @rule(index=INDEX, category=st.sampled_from(CATEGORIES), situation=st.sampled_from(SITUATIONS))
    def hand_over(self, index, category, situation):
        accepted = self.last.get(index) == A.RECEIVED and category == "youth_mission_locale" and situation != "Retraité"
        self._attempt(
            index,
            accepted,
            lambda a: (
                services.allocation_hand_over(
                    allocation=a,
                    actor=self.actor,
                    beneficiary_category=category,
                    age_bracket="16_25",
                    territory="35236",
                    situation=situation,
                )
                if a
                else _refuse()
            ),
            A.HANDED_OVER,
        )

    @rule(index=INDEX, condition=st.sampled_from(["unused", "broken", ""]))
    def give_back(self, index, condition):
        accepted = self.last.get(index) in (A.ALLOCATED, A.RECEIVED) and condition != ""
        self._attempt(
            index,
            accepted,
            lambda a: (
                services.allocation_return(allocation=a, actor=self.actor, condition=condition) if a else _refuse()
            ),
            A.RETURNED,
        )

    @rule(index=INDEX)
    def retest(self, index):
        """A returned device tested again in the workshop: ready for another allocation (its erasure holds)."""
        device = Device.objects.get(pk=self.devices[index].pk)
        if device.status == S.IN_WORKSHOP:
            registry.device_test(device=device, actor=self.actor, checklist=CHECKLIST_OK)
            assert Device.objects.get(pk=device.pk).status == S.READY

    @invariant()
    def each_device_in_exactly_one_state(self):
        statuses = dict(Device.objects.filter(batch=self.batch).values_list("pk", "status"))
        for index, state in self.last.items():
            allocation = self._allocation(index)
            assert allocation.status == state
            open_count = Allocation.objects.filter(device=self.devices[index], status__in=Allocation.OPEN).count()
            assert open_count == (1 if state in Allocation.OPEN else 0)
            status = statuses[self.devices[index].pk]
            expected = {
                A.ALLOCATED: {S.ALLOCATED},
                A.RECEIVED: {S.AT_PARTNER},
                A.HANDED_OVER: {S.DONATED},
                A.RETURNED: {S.IN_WORKSHOP, S.READY},
            }[state]
            assert status in expected

    @invariant()
    def report_equals_the_event_log(self):
        report = selectors.programme_report(self.programme)
        log = selectors.programme_event_counts(self.programme)
        assert (report.allocated, report.handed_over, report.returned) == (
            log["allocated"],
            log["handed_over"],
            log["returned"],
        )
        assert report.pending == sum(1 for s in self.last.values() if s in Allocation.OPEN)
        assert report.handed_over == sum(1 for s in self.last.values() if s == A.HANDED_OVER)
        assert report.allocated == report.pending + report.handed_over + report.returned


def _refuse():
    raise ValidationError("no allocation yet")


@pytest.mark.django_db
def test_random_allocation_sequences_keep_each_device_in_one_state_and_the_report_true():
    member = Association.objects.create(name="Déclic", slug="declic")
    donor = Donor.objects.create(name="La Poste", kind=Donor.Kind.COMPANY)
    actor = get_user_model().objects.create_user(email="hypothese@relais.example", password="x" * 12)
    programme = Programme.objects.create(
        name="La Poste → jeunes",
        slug="laposte-jeunes",
        categories=["youth_mission_locale"],
        situations="Demandeur d'emploi\nÉtudiant",
        quota=3,
        starts_on=date(2026, 1, 1),
    )
    partners = (
        RelayPartner.objects.create(name="Mission locale", slug="ml", kind=PartnerKind.MISSION_LOCALE),
        RelayPartner.objects.create(name="CCAS", slug="ccas", kind=PartnerKind.CCAS),
    )
    programme.members.add(member)
    programme.partners.add(*partners)

    class Machine(AllocationMachine):
        pass

    Machine.programme, Machine.partners, Machine.actor = programme, partners, actor
    Machine.batch = IntakeBatch.objects.create(donor=donor, association=member, received_on=date(2026, 1, 5))
    run_state_machine_as_test(
        Machine, settings=settings(max_examples=40, stateful_step_count=30, deadline=None, database=None)
    )
