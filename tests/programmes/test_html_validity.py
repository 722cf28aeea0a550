"""The relay portal's pages and the programme report pass the Nu Html Checker with no error."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes import vouchers
from tests.html_checks import html_errors, vnu_jar
from tests.programmes.conftest import hand_over

pytestmark = pytest.mark.django_db


def test_the_partner_and_report_pages_have_no_html_error(client, allocate, received, partner_staff, donor, tmp_path):
    jar = vnu_jar()
    handed = hand_over(received(), partner_staff)
    pending = received()
    allocate()
    donor_user = donor.users.create(email="numerique@region.example")
    vouchers.solidarity_price_save(category="laptop", max_price=Decimal("80.00"))
    vouchers.voucher_issue(
        partner=handed.partner, actor=None, holder_category="social_referral", expires_on=timezone.localdate()
    )
    pages = [
        (partner_staff, "home", reverse("programmes:home")),
        (partner_staff, "hand-over", reverse("programmes:hand_over", args=[pending.pk])),
        (partner_staff, "give-back", reverse("programmes:give_back", args=[pending.pk])),
        (partner_staff, "vouchers", reverse("programmes:vouchers")),
        (donor_user, "report", reverse("programmes:report", args=[handed.programme.slug])),
        (donor_user, "donor-home", reverse("devices:donor_home")),
    ]
    files = []
    for user, name, path in pages:
        client.force_login(user)
        response = client.get(path)
        assert response.status_code == 200, path
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    errors = html_errors(jar, files)
    assert not errors, errors
