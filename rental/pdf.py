"""The loan agreement as a PDF (ReportLab): a draft to read before signing, the signed copy stored after."""

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reemploi import pdf
from reemploi.money import euros


def agreement_terms(agreement) -> list[str]:
    """The clauses of the agreement, shared by the PDF and the signing page."""
    amount = euros(agreement.monthly_amount)
    return [
        _(
            "The lender lends the device described above, with its charger and carrying bag, for the length of the "
            "training. The device remains the property of the lender."
        ),
        _(
            "The borrower pays %(amount)s for every month begun, from the signature until the return, by card or "
            "SEPA Direct Debit (a monthly subscription) or at the association's counter. Charges stop when the "
            "return is recorded."
        )
        % {"amount": amount},
        _(
            "The borrower returns the device, its charger and its bag to the pickup association by the return date "
            "at the latest, or at the end of the training if it ends earlier. Reminders are sent before that date "
            "and after it."
        ),
        _(
            "The condition of the device is checked at the return. Damage beyond normal wear, or a missing "
            "accessory, may be charged at the cost of the repair or the replacement, after a talk with the borrower."
        ),
        _(
            "The borrower does not lend, sell or modify the device. All data left on it is erased at the return "
            "(décret 2022-190): the borrower saves their files beforehand."
        ),
        _(
            "Personal data is used only to run the loan and is deleted %(days)s days after the loan is closed; the "
            "registry of devices keeps only the category of beneficiary and the département."
        )
        % {"days": settings.RENTAL_CLOSED_RETENTION_DAYS},
    ]


def agreement_pdf(agreement) -> bytes:
    application = agreement.application
    styles = pdf.styles()
    normal, heading = styles["Normal"], styles["Heading2"]
    story = [
        pdf.text(_("Computer loan agreement"), styles["Title"]),
        pdf.text(_("Reference: %(reference)s") % {"reference": application.reference}, normal),
        pdf.space(5),
        pdf.text(_("Between"), heading),
        pdf.text(
            _("The lender: %(identity)s, member association of the OGO network, on behalf of the network.")
            % {"identity": application.pickup_association.legal_identity()},
            normal,
        ),
        pdf.text(
            _("The borrower: %(name)s, %(address)s, %(postcode)s %(commune)s, trainee of: %(training)s.")
            % {
                "name": application.full_name,
                "address": application.address,
                "postcode": application.postcode,
                "commune": application.commune,
                "training": application.training_label,
            },
            normal,
        ),
        pdf.text(_("The device"), heading),
        pdf.text(
            _("%(label)s — asset tag %(tag)s, serial number %(serial)s, with its charger and carrying bag.")
            % {"label": agreement.device_label, "tag": agreement.asset_tag, "serial": agreement.serial or "—"},
            normal,
        ),
        pdf.text(_("Dates and price"), heading),
        pdf.text(
            _("From %(start)s (signature) to %(end)s (return date); %(amount)s per month begun.")
            % {
                "start": date_format(agreement.starts_on, "j F Y"),
                "end": date_format(agreement.ends_on, "j F Y"),
                "amount": euros(agreement.monthly_amount),
            },
            normal,
        ),
        pdf.text(_("Terms"), heading),
    ]
    for number, clause in enumerate(agreement_terms(agreement), start=1):
        story.append(pdf.text(f"{number}. {clause}", normal))
        story.append(pdf.space(2))
    story.append(pdf.text(_("Signature"), heading))
    if agreement.signed_at:
        story.append(
            pdf.text(
                _("Signed online by %(name)s on %(date)s (address %(ip)s), who ticked “I accept this agreement”.")
                % {
                    "name": agreement.signed_name,
                    "date": date_format(timezone.localtime(agreement.signed_at), "j F Y H:i:s"),
                    "ip": agreement.signed_ip or "—",
                },
                normal,
            )
        )
    else:
        story.append(pdf.text(_("Draft: not signed yet."), styles["Italic"]))
    title = _("Computer loan agreement %(reference)s") % {"reference": application.reference}
    return pdf.document(story, title=title, margin_mm=20)
