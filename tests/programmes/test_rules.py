"""A member's allocation rules: the first line that fits a ready device and has room proposes its channel;
staff follow it or choose another with a reason, written in the device's log."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from devices import services as registry
from devices.models import Device, DeviceEvent
from programmes import selectors, services
from programmes.models import AllocationRule

Channel = AllocationRule.Channel


@pytest.fixture
def rules(association, programme):
    """Déclic: laptops of grade B or better to the programme, then the rental pool up to 2 laptops, then sale."""
    return [
        AllocationRule.objects.create(
            association=association,
            position=1,
            channel=Channel.PROGRAMME,
            programme=programme,
            category="laptop",
            min_grade="B",
        ),
        AllocationRule.objects.create(
            association=association, position=2, channel=Channel.RENTAL, category="laptop", rental_minimum=2
        ),
        AllocationRule.objects.create(association=association, position=3, channel=Channel.SALE),
    ]


def test_the_first_line_with_room_proposes_the_channel(rules, ready, programme, technician):
    grade_a = ready()
    registry.device_grade(device=grade_a, actor=technician, grade="A")
    assert selectors.channel_proposed(Device.objects.get(pk=grade_a.pk)).channel == Channel.PROGRAMME
    assert selectors.channel_proposed(ready()).channel == Channel.PROGRAMME  # grade B: "at least B"
    grade_c = ready()
    registry.device_grade(device=grade_c, actor=technician, grade="C")
    assert selectors.channel_proposed(Device.objects.get(pk=grade_c.pk)).channel == Channel.RENTAL
    desktop = ready(category=Device.Category.DESKTOP)
    assert selectors.channel_proposed(desktop).channel == Channel.SALE

    programme.quota = 0
    programme.save()
    laptop = ready()
    assert selectors.channel_proposed(laptop).channel == Channel.RENTAL  # the quota is full
    for _n in range(2):
        registry.device_reserve_for_rental(device=ready(), actor=technician)
    assert selectors.channel_proposed(laptop).channel == Channel.SALE  # the pool holds its minimum


def test_no_rules_no_proposal(ready):
    assert selectors.channel_proposed(ready()) is None


def test_following_or_overriding_is_logged_and_an_override_needs_a_reason(rules, ready, technician):
    device = ready()
    services.channel_choose(device=device, actor=technician, chosen=Channel.PROGRAMME)
    event = device.events.latest("pk")
    assert event.kind == DeviceEvent.Kind.CHANNEL_CHOSEN
    assert event.data == {"proposed": "programme", "chosen": "programme", "overridden": False}

    with pytest.raises(ValidationError, match="raison"):
        services.channel_choose(device=device, actor=technician, chosen=Channel.SALE)
    services.channel_choose(device=device, actor=technician, chosen=Channel.SALE, reason="Commande d'une école")
    event = device.events.latest("pk")
    assert event.data["overridden"] is True and event.note == "Commande d'une école"
    assert Device.objects.get(pk=device.pk).status == Device.Status.READY


def test_a_programme_line_names_a_programme_of_the_member(association, other_association, programme):
    with pytest.raises(ValidationError):
        AllocationRule(association=association, position=1, channel=Channel.PROGRAMME).full_clean()
    with pytest.raises(ValidationError, match="ne reconditionne pas"):
        AllocationRule(association=other_association, channel=Channel.PROGRAMME, programme=programme).full_clean()


def test_the_device_page_shows_the_proposal_first(client, workshop_user, rules, ready):
    client.force_login(workshop_user)
    device = ready()
    html = client.get(reverse("workshop_devices:detail", args=[device.pk])).content.decode()
    assert html.index('id="action-channel"') < html.index('id="action-list"')
    assert "Proposé par vos règles (ligne 1)" in html

    response = client.post(
        reverse("workshop_devices:channel", args=[device.pk]), {"channel-chosen": "rental", "channel-reason": ""}
    )
    assert response.status_code == 200 and "raison" in response.content.decode()
    response = client.post(
        reverse("workshop_devices:channel", args=[device.pk]),
        {"channel-chosen": "rental", "channel-reason": "Stagiaires en attente"},
    )
    assert response.status_code == 302
    assert device.events.latest("pk").data["chosen"] == "rental"


def test_a_workshop_edits_only_its_own_members_rules(client, workshop_user, rules, other_association):
    other_rule = AllocationRule.objects.create(association=other_association, position=1, channel=Channel.SALE)
    client.force_login(workshop_user)
    html = client.get(reverse("allocation_rules:index")).content.decode()
    assert reverse("allocation_rules:edit", args=[rules[0].pk]) in html
    assert reverse("allocation_rules:edit", args=[other_rule.pk]) not in html
    assert client.get(reverse("allocation_rules:edit", args=[other_rule.pk])).status_code == 404
