"""Public forms (contact, "Donner du matériel"): each submission is stored and e-mailed to the team."""

import pytest
from django.utils.html import escape
from django.utils.translation import gettext
from wagtail.contrib.forms.models import FormSubmission

from tests import factories

pytestmark = pytest.mark.django_db

FIELDS = [
    {"label": "Votre nom", "field_type": "singleline", "required": True},
    {"label": "Votre e-mail", "field_type": "email", "required": True},
    {"label": "Type de matériel", "field_type": "dropdown", "required": True, "choices": "Ordinateurs\nÉcrans"},
    {"label": "Votre message", "field_type": "multiline", "required": False},
]
VALID = {
    "votre_nom": "Mairie de Plougastel",
    "votre_e_mail": "informatique@plougastel.example",
    "type_de_materiel": "Écrans",
    "votre_message": "Quarante écrans à donner.",
}


@pytest.fixture
def contact_page(home_page):
    return factories.form_page(
        home_page,
        title="Donner du matériel",
        slug="donner",
        to_address="dons@reemploi.example, equipe@reemploi.example",
        subject="Offre de matériel",
        thank_you_text="<p>Merci, nous vous répondons sous une semaine.</p>",
        fields=FIELDS,
    )


def test_submission_is_stored_and_the_visitor_thanked(client, contact_page):
    response = client.post("/donner/", VALID)

    assert response.status_code == 200
    assert "Merci, nous vous répondons sous une semaine." in response.content.decode()
    submission = FormSubmission.objects.get(page=contact_page)
    data = submission.get_data()
    assert {name: data[name] for name in VALID} == VALID


def test_submission_is_mailed_to_the_team_with_its_values(client, contact_page, mailoutbox):
    client.post("/donner/", VALID)

    [mail] = mailoutbox
    assert mail.to == ["dons@reemploi.example", "equipe@reemploi.example"]
    assert mail.subject == "Offre de matériel"
    assert mail.from_email == "site@reemploi.example"
    for label, value in [
        ("Votre nom", "Mairie de Plougastel"),
        ("Votre e-mail", "informatique@plougastel.example"),
        ("Type de matériel", "Écrans"),
        ("Votre message", "Quarante écrans à donner."),
    ]:
        assert f"{label}: {value}" in mail.body


def test_invalid_submission_keeps_the_input_and_shows_the_errors(client, contact_page, mailoutbox):
    response = client.post("/donner/", {**VALID, "votre_e_mail": "pas-une-adresse", "votre_nom": ""})

    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="pas-une-adresse"' in content
    assert "Quarante écrans à donner." in content
    assert 'id="id_votre_nom_error"' in content
    assert 'id="id_votre_e_mail_error"' in content
    assert escape(gettext("Enter a valid email address.")) in content
    assert not FormSubmission.objects.exists()
    assert mailoutbox == []


def test_sixth_submission_within_ten_minutes_from_one_address_is_refused(client, contact_page, mailoutbox):
    for _ in range(5):
        client.post("/donner/", VALID)

    response = client.post("/donner/", {**VALID, "votre_nom": "Sixième envoi"})

    assert response.status_code == 429
    content = response.content.decode()
    assert escape(gettext("Too many submissions from your connection. Please try again in a few minutes.")) in content
    assert 'value="Sixième envoi"' in content
    assert FormSubmission.objects.count() == 5
    assert len(mailoutbox) == 5


def test_form_rate_limit_counts_per_client_address(client, contact_page):
    for _ in range(5):
        client.post("/donner/", VALID)

    response = client.post("/donner/", VALID, REMOTE_ADDR="192.0.2.7")

    assert response.status_code == 200
    assert FormSubmission.objects.count() == 6
