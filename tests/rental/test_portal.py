"""The trainee's pages: landing and eligibility, the application form and its uploads, "Mes demandes",
signing, and the private files (applicant and rental staff only)."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rental.models import Agreement, Application
from tests.factories import UserFactory
from tests.helpers import pdf_text
from tests.rental.conftest import PDF_BYTES, PNG_BYTES, S

pytestmark = pytest.mark.django_db


def form_data(association, programme=None, **overrides):
    data = {
        "first_name": "Nolwenn",
        "last_name": "Le Bihan",
        "email": "stagiaire@exemple.bzh",
        "phone": "06 12 34 56 78",
        "address": "3 rue des Lilas",
        "postcode": "35600",
        "commune": "Redon",
        "programme": programme.pk if programme else "",
        "needs_webcam": "on",
        "accessibility_needs": "Clavier à grosses touches",
        "pickup_association": association.pk,
        "privacy_accepted": "on",
        "proof": SimpleUploadedFile("attestation.pdf", PDF_BYTES, content_type="application/pdf"),
    }
    data.update(overrides)
    return data


def test_landing_shows_amount_associations_and_the_eligibility_answer(client, association, settings):
    settings.RENTAL_MONTHLY_AMOUNT = "5"
    page = client.get("/location/").content.decode()
    assert "5,00" in page and association.name in page
    yes = client.get("/location/?enrolled=oui&remote=oui&equipped=non").content.decode()
    no = client.get("/location/?enrolled=non&remote=oui&equipped=non").content.decode()
    assert 'href="/location/demande/"' in yes and "eligibility__result" in yes
    assert "/boutique/" in no.split("eligibility__result")[1]


def test_applying_needs_an_account(client):
    response = client.get("/location/demande/")
    assert response.status_code == 302 and response.url.startswith("/compte/login/")


def test_a_valid_application_is_stored_and_shown_in_mes_demandes(
    client, trainee, association, programme, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(trainee)
    form = client.get("/location/demande/").content.decode()
    assert 'value="stagiaire@exemple.bzh"' in form and programme.title in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/location/demande/", form_data(association, programme))
    application = Application.objects.get()
    assert response.status_code == 302 and response.url == f"/location/mes-demandes/{application.pk}/"
    assert application.applicant == trainee and application.accessibility_needs == "Clavier à grosses touches"
    assert application.proof.name.endswith(".pdf")
    listing = client.get("/location/mes-demandes/").content.decode()
    assert application.reference in listing
    detail = client.get(response.url).content.decode()
    assert (
        application.get_status_display() in detail
        and f"/location/mes-demandes/{application.pk}/justificatif/" in detail
    )
    assert len(mailoutbox) == 2


def test_an_invalid_form_keeps_what_was_typed_and_asks_for_the_file_again(client, trainee, association):
    client.force_login(trainee)
    data = form_data(
        association, postcode="35A00", training_title="Assistant de vie aux familles", training_body="GRETA"
    )
    response = client.post("/location/demande/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        'value="Nolwenn"' in page
        and 'value="Assistant de vie aux familles"' in page
        and "Clavier à grosses touches" in page
    )
    assert 'id="id_postcode_error"' in page and 'id="id_training_starts_on_error"' in page
    assert 'class="notice"' in page  # the file must be chosen again
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("attestation.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("attestation.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'),
        ("attestation.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
        ("attestation.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 64),
        ("attestation.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024)),
        ("vide.pdf", b""),
    ],
    ids=["html", "svg", "windows-exe", "elf", "over-5-MB", "empty"],
)
def test_proofs_other_than_pdf_jpeg_png_up_to_5_mb_are_refused(
    client, trainee, association, programme, name, content, settings
):
    client.force_login(trainee)
    response = client.post(
        "/location/demande/", form_data(association, programme, proof=SimpleUploadedFile(name, content))
    )
    assert response.status_code == 400
    assert 'id="id_proof_error"' in response.content.decode()
    assert not Application.objects.exists()
    assert not (settings.PRIVATE_ROOT / "rental").exists()


def test_a_png_photo_is_accepted_whatever_its_name(client, trainee, association, programme):
    client.force_login(trainee)
    proof = SimpleUploadedFile("scan.pdf", PNG_BYTES)
    assert client.post("/location/demande/", form_data(association, programme, proof=proof)).status_code == 302
    assert Application.objects.get().proof.name.endswith(".png")


def test_the_application_form_is_rate_limited(client, association, programme, settings):
    settings.PUBLIC_FORM_RATE = "2/10m"
    for _attempt in range(2):
        client.force_login(UserFactory())
        assert client.post("/location/demande/", form_data(association, programme, postcode="x")).status_code == 400
    client.force_login(UserFactory())
    response = client.post("/location/demande/", form_data(association, programme))
    assert response.status_code == 429
    assert not Application.objects.exists()


def test_an_overdue_borrower_sees_why_they_cannot_apply(client, application_in, association, programme):
    application = application_in(S.ACTIVE)
    Application.objects.filter(pk=application.pk).update(due_on=datetime.date.today() - datetime.timedelta(days=2))
    client.force_login(application.applicant)
    page = client.get("/location/demande/").content.decode()
    assert 'name="proof"' not in page and 'class="notice"' in page
    client.post("/location/demande/", form_data(association, programme))
    assert Application.objects.filter(applicant=application.applicant).count() == 1


# --- Private files -------------------------------------------------------------------------------


def test_the_proof_is_served_as_an_attachment_to_its_applicant_and_rental_staff_only(client, submit, officer):
    application = submit()
    url = f"/location/mes-demandes/{application.pk}/justificatif/"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/compte/login/")
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.get(f"/location/mes-demandes/{application.pk}/").status_code == 404
    client.force_login(UserFactory(is_staff=True))  # staff without the rental role
    assert client.get(url).status_code == 404
    for user in (application.applicant, officer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF_BYTES


def test_private_files_are_not_under_the_public_media_url(client, submit, settings):
    application = submit()
    assert application.proof.path.startswith(str(settings.PRIVATE_ROOT))
    assert not application.proof.path.startswith(str(settings.MEDIA_ROOT))
    assert client.get(f"/media/{application.proof.name}").status_code == 404


def test_sign_online_then_download_the_signed_agreement(client, application_in, officer):
    application = application_in(S.APPROVED)
    client.force_login(application.applicant)
    page = client.get(f"/location/mes-demandes/{application.pk}/signer/").content.decode()
    assert application.device.asset_tag in page and application.device.serial in page
    draft = client.get(f"/location/mes-demandes/{application.pk}/contrat.pdf")
    assert draft.status_code == 200 and draft.content.startswith(b"%PDF-")

    wrong = client.post(
        f"/location/mes-demandes/{application.pk}/signer/",
        {"typed_name": "Quelqu'un d'autre", "accepted": "on", "method": "counter"},
    )
    assert wrong.status_code == 400 and 'id="id_typed_name_error"' in wrong.content.decode()
    response = client.post(
        f"/location/mes-demandes/{application.pk}/signer/",
        {"typed_name": "Nolwenn Le Bihan", "accepted": "on", "method": "counter"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 302
    application.refresh_from_db()
    agreement = Agreement.objects.get(application=application)
    assert application.status == S.SIGNED and application.payment_method == Application.PaymentMethod.COUNTER
    assert agreement.signed_ip == "198.51.100.7"
    for user in (application.applicant, officer):
        client.force_login(user)
        signed = client.get(f"/location/mes-demandes/{application.pk}/contrat.pdf")
        assert signed.status_code == 200 and signed["X-Content-Type-Options"] == "nosniff"
        assert b"".join(signed.streaming_content).startswith(b"%PDF-")
    client.force_login(UserFactory())
    assert client.get(f"/location/mes-demandes/{application.pk}/contrat.pdf").status_code == 404


def test_the_agreement_names_the_lending_member_as_a_legal_entity(client, application_in):
    application = application_in(S.APPROVED)
    member = application.pickup_association
    member.legal_form, member.siret, member.rna = "association", "35600000000048", "W353001234"
    member.street, member.postcode, member.city = "3 rue des Douves", "35600", "Redon"
    member.save()
    client.force_login(application.applicant)
    text = pdf_text(client.get(f"/location/mes-demandes/{application.pk}/contrat.pdf").content)
    for fragment in (b"SIRET 35600000000048", b"RNA W353001234", b"Douves", b"loi 1901"):
        assert fragment in text, fragment


def test_without_stripe_only_the_counter_is_offered(client, application_in, settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = ""
    application = application_in(S.APPROVED)
    client.force_login(application.applicant)
    page = client.get(f"/location/mes-demandes/{application.pk}/signer/").content.decode()
    assert 'value="counter"' in page and 'value="card"' not in page and 'value="sepa_debit"' not in page
    assert "card-element" not in page


def test_answering_a_request_for_information(client, application_in):
    application = application_in(S.INFO_REQUESTED)
    client.force_login(application.applicant)
    page = client.get(f"/location/mes-demandes/{application.pk}/").content.decode()
    assert "Attestation illisible." in page
    response = client.post(
        f"/location/mes-demandes/{application.pk}/",
        {"message": "Voici le bon document.", "proof": SimpleUploadedFile("a.pdf", PDF_BYTES)},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


# --- Nothing pre-ticked; the trainee's own changes ------------------------------------------------


def test_nothing_is_pre_ticked_on_the_application_form(client, trainee, association):
    client.force_login(trainee)
    page = client.get("/location/demande/").content.decode()
    assert 'name="needs_webcam"' in page and 'name="privacy_accepted"' in page
    assert not re.search(r"<input[^>]*\bchecked\b", page)
    assert not re.search(r'<option value="[^"]+"[^>]*\bselected\b', page)  # only the empty choices


def test_no_payment_method_is_pre_chosen_when_there_is_a_choice(client, application_in, settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_test_x", "pk_test_x"
    application = application_in(S.APPROVED)
    client.force_login(application.applicant)
    page = client.get(f"/location/mes-demandes/{application.pk}/signer/").content.decode()
    assert 'value="card"' in page and not re.search(r"<input[^>]*\bchecked\b", page)


def test_the_trainee_changes_the_pickup_member_from_mes_demandes(client, submit, other_association):
    from devices.models import Association

    application = submit()
    Association.objects.create(name="Sans prêt", slug="sans-pret", department="35")  # lends nothing: not offered
    client.force_login(application.applicant)
    page = client.get(f"/location/mes-demandes/{application.pk}/").content.decode()
    assert f"/location/mes-demandes/{application.pk}/lieu-de-retrait/" in page
    form = client.get(f"/location/mes-demandes/{application.pk}/lieu-de-retrait/").content.decode()
    assert other_association.name in form and "Sans prêt" not in form
    response = client.post(
        f"/location/mes-demandes/{application.pk}/lieu-de-retrait/", {"pickup_association": other_association.pk}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.pickup_association == other_association
    client.force_login(UserFactory())
    assert client.get(f"/location/mes-demandes/{application.pk}/lieu-de-retrait/").status_code == 404


def test_the_trainee_answers_a_proposed_move_from_mes_demandes(client, submit, officer, other_association):
    from rental import services

    application = submit()
    services.application_transfer_propose(application=application, actor=officer, to_association=other_association)
    client.force_login(application.applicant)
    page = client.get(f"/location/mes-demandes/{application.pk}/").content.decode()
    assert other_association.name in page and 'value="accept"' in page and 'value="decline"' in page
    url = f"/location/mes-demandes/{application.pk}/transfert/"
    assert client.get(url).status_code == 405
    assert client.post(url, {"decision": "accept"}).status_code == 302
    application.refresh_from_db()
    assert application.pickup_association == other_association and application.transfer_to is None
    assert 'value="accept"' not in client.get(f"/location/mes-demandes/{application.pk}/").content.decode()


def test_the_trainee_cancels_from_mes_demandes(client, submit):
    application = submit()
    client.force_login(application.applicant)
    url = f"/location/mes-demandes/{application.pk}/annuler/"
    assert url in client.get(f"/location/mes-demandes/{application.pk}/").content.decode()
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 302
    application.refresh_from_db()
    assert application.status == S.CANCELLED
    page = client.get(f"/location/mes-demandes/{application.pk}/").content.decode()
    assert url not in page
    assert (
        client.get("/location/demande/").status_code == 200
        and 'name="proof"' in client.get("/location/demande/").content.decode()
    )
