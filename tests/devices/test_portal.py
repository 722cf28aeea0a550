"""The donor portal, certificates and the public passport: who sees what."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from devices import services
from devices.models import Device, DeviceEvent, Donor, IntakeBatch

pytestmark = pytest.mark.django_db
CERTIFICATE = b"%PDF-1.4 certificat de la Region"


@pytest.fixture
def owner(donor):
    user = get_user_model().objects.create_user(email="elu@region.example", password="x" * 12)
    donor.users.add(user)
    return user


@pytest.fixture
def stranger(db):
    other = Donor.objects.create(name="La Poste", kind=Donor.Kind.COMPANY)
    user = get_user_model().objects.create_user(email="dr@laposte.example", password="x" * 12)
    other.users.add(user)
    return user


@pytest.fixture
def erased_device(make_device, technician):
    device = make_device(brand="Dell", model="Latitude 5490")
    services.device_erase(
        device=device,
        actor=technician,
        method="NIST SP 800-88 Purge",
        certificate=ContentFile(CERTIFICATE, name="certificat.pdf"),
    )
    return device


def _urls(batch, device):
    event = device.events.get(kind=DeviceEvent.Kind.ERASED)
    return [
        f"/donateurs/lots/{batch.pk}/",
        f"/donateurs/lots/{batch.pk}/appareils.csv",
        f"/donateurs/lots/{batch.pk}/rapport.pdf",
        f"/donateurs/certificats/{event.pk}/",
    ]


def test_owner_sees_its_batch_report_csv_pdf_and_certificate(client, owner, batch, erased_device):
    client.force_login(owner)
    page, csv_url, pdf_url, certificate_url = _urls(batch, erased_device)

    home = client.get("/donateurs/").content.decode()
    assert "CONV-2022-01" in home
    html = client.get(page).content.decode()
    assert erased_device.asset_tag in html and certificate_url in html

    rows = list(csv.reader(io.StringIO(client.get(csv_url).content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == erased_device.asset_tag and rows[1][9] == "NIST SP 800-88 Purge"

    pdf = client.get(pdf_url)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    certificate = client.get(certificate_url)
    assert b"".join(certificate.streaming_content) == CERTIFICATE
    assert certificate["Content-Disposition"].startswith("attachment")
    assert certificate["X-Content-Type-Options"] == "nosniff"


def test_another_donor_gets_404_everywhere(client, stranger, batch, erased_device):
    client.force_login(stranger)
    for url in _urls(batch, erased_device):
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_login(client, batch, erased_device):
    for url in ["/donateurs/", *_urls(batch, erased_device)]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/compte/login/?next="), url


def test_a_user_linked_to_no_donor_is_told_so(client, db):
    user = get_user_model().objects.create_user(email="client@exemple.bzh", password="x" * 12)
    client.force_login(user)
    response = client.get("/donateurs/")
    assert response.status_code == 403


def test_passport_shows_the_device_and_no_personal_data(client, ready, technician, donor, make_device):
    technician.first_name, technician.last_name = "Yannick", "Technicien"
    technician.save()
    sold, rented, donated = ready(), ready(), ready()
    services.device_list_for_sale(device=sold, actor=technician)
    services.device_sell(
        device=sold,
        actor=technician,
        beneficiary_category="individual",
        territory="35238",
        reference="COMMANDE-100042-Mme-Le-Gall",
    )
    services.device_reserve_for_rental(device=rented, actor=technician)
    services.device_rent(device=rented, actor=technician, territory="29019", reference="CONTRAT-77-Kevin-Morvan")
    services.device_donate(
        device=donated,
        actor=technician,
        programme="Mission locale du Pays de Redon",
        beneficiary_category="youth_mission_locale",
        territory="35236",
    )
    private = [
        donor.name,
        donor.contact_name,
        donor.contact_email,
        technician.email,
        "Yannick",
        "COMMANDE-100042",
        "Le-Gall",
        "CONTRAT-77",
        "Morvan",
    ]
    for device in (sold, rented, donated):
        content = client.get(f"/appareil/{device.asset_tag.lower().replace('-', ' ')}/").content.decode()
        assert device.asset_tag in content
        assert "NIST SP 800-88 Purge" in content
        assert "Donné par une collectivité" in content or "collectivit" in content
        for secret in private:
            assert secret not in content, (device.status, secret)


def test_passport_names_the_donor_only_with_its_agreement(client, ready, donor):
    device = ready()
    assert donor.name not in client.get(f"/appareil/{device.asset_tag}/").content.decode()
    donor.public_name_agreed = True
    donor.save()
    assert donor.name in client.get(f"/appareil/{device.asset_tag}/").content.decode()


def test_unknown_tag_is_404(client, db):
    assert client.get("/appareil/AAA-AAA/").status_code == 404
    assert client.get("/appareil/pas-un-tag/").status_code == 404


def _bulk_batch(donor, association, size):
    batch = IntakeBatch.objects.create(donor=donor, association=association, reference=f"BULK-{size}")
    statuses = [Device.Status.SOLD, Device.Status.RECYCLED, Device.Status.LISTED, Device.Status.RENTED]
    devices = Device.objects.bulk_create(
        Device(
            batch=batch,
            association=association,
            category="laptop",
            serial=f"B{size}-{n}",
            asset_tag=_tag(size, n),
            status=statuses[n % 4],
            outcome_category="individual" if n % 4 in (0, 3) else "",
            outcome_department="35" if n % 4 == 0 else "",
            needs_erasure=False,
        )
        for n in range(size)
    )
    DeviceEvent.objects.bulk_create(
        DeviceEvent(
            device=d,
            kind=DeviceEvent.Kind.ERASED,
            association=association,
            status_after=d.status,
            data={"method": "NIST", "result": "success"},
            evidence="devices/certificates/run.pdf",
        )
        for d in devices
    )
    return batch


def _tag(size, n):
    alphabet = "AFHJKRWXY2345679"
    value = size * 100_000 + n
    chars = []
    for _ in range(6):
        value, r = divmod(value, len(alphabet))
        chars.append(alphabet[r])
    return "".join(chars[:3]) + "-" + "".join(chars[3:])


@pytest.mark.parametrize("suffix", ["", "appareils.csv", "rapport.pdf"])
def test_report_queries_do_not_grow_with_the_batch(
    client, owner, donor, association, django_assert_max_num_queries, suffix
):
    client.force_login(owner)
    small, large = _bulk_batch(donor, association, 10), _bulk_batch(donor, association, 10_000)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _warm_up in range(2):  # settings rows created on first use, menu and footer caches
        client.get(f"/donateurs/lots/{small.pk}/{suffix}")
    counts = []
    for batch in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/donateurs/lots/{batch.pk}/{suffix}")
            if suffix == "appareils.csv":
                body = response.content.decode("utf-8-sig")
                assert body.count("\n") == batch.devices.count() + 1
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 15
