"""The legal notice and the terms of sale read the publisher, the host and the consumer mediator from the
site's settings (typed once, by staff); the footer names the mediator."""

import pytest

from content.models import OrganisationSettings, StandardPage

pytestmark = pytest.mark.django_db


def test_legal_pages_and_footer_read_the_settings(client, home_page):
    settings = OrganisationSettings.load()
    settings.legal_status = "association loi 1901 – RNA W353001234"
    settings.publication_director = "Maëlle Guillou, présidente"
    settings.host_name = "Hébergeur Breton SAS"
    settings.host_address = "1 quai de l'Hébergement\n35000 Rennes"
    settings.host_phone = "02 99 00 00 00"
    settings.mediator_name = "CM2C"
    settings.mediator_url = "https://www.cm2c.net/"
    settings.save()
    page = StandardPage(
        title="Mentions légales",
        slug="mentions-legales",
        body=[("legal_facts", {"facts": facts}) for facts in ("publisher", "host", "mediator")],
    )
    home_page.add_child(instance=page)
    page.save_revision().publish()
    html = client.get("/mentions-legales/").content.decode()
    for fact in (
        "RNA W353001234",
        "Maëlle Guillou, présidente",
        "Hébergeur Breton SAS",
        "35000 Rennes",
        "02 99 00 00 00",
        "médiateur de la consommation : CM2C",
        'href="https://www.cm2c.net/"',
    ):
        assert fact in html, fact
    assert "à compléter" not in html
    assert "Médiation de la consommation :" in html  # the footer
