"""Factur-X: invoices and credit notes as PDF/A-3 files that carry their data as EN 16931 CII XML.

The XML is built by the `factur-x` library (`facturx.generate_xml`, profile EN 16931, checked against its
XSD) from the invoice's rows, and attached to the PDF people read (`shop.documents.invoice_pdf`) by
`facturx.generate_from_binary`, which writes the PDF/A-3 identification and the Factur-X XMP. What PDF/A
asks beyond that and the library leaves to us: embedded fonts (`reemploi.pdf` embeds Bitstream Vera), an
sRGB output intent, an information dictionary matching the XMP — `_pdfa_finish`.

Mapping of the fields a French public buyer needs (Chorus Pro):
- seller and buyer SIREN in the legal registration identifier (BT-30, BT-47; scheme 0002), their SIRET as
  party identifier (BT-29, BT-46; scheme 0009);
- the engagement number (the purchase order typed at checkout) in BT-13, the service code in BT-10;
- the due date (BT-9), payment terms with the late-payment mentions (BT-20 and notes PMD, PMT, AAB);
- credit transfer (code 30) to the seller's IBAN when it has one.
VAT: a member on the margin scheme for used goods shows no VAT (category E, exemption VATEX-EU-F, its VAT
number as BT-31); a member not liable for VAT under article 293 B: category E with VATEX-FR-FRANCHISE and
its SIREN as tax registration (BT-32), or O (outside the scope of VAT) when it has no SIRET yet.
"""

import io
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from devices.models import Association, private_storage_of_settings
from shop.documents import invoice_pdf, late_payment_mention, vat_mention
from shop.models import Checkout, Invoice

CENT = Decimal("0.01")
LEVEL = "en16931"
# UNTDID 4461 payment means.
MEANS = {"card": "48", "card_terminal": "48", "cash": "10", "cheque": "20", "transfer": "30", "mandate": "30"}
COUNTRY = "FR"


def _money(value) -> str:
    return str(Decimal(value).quantize(CENT, ROUND_HALF_UP))


def _quantity(value) -> str:
    text = f"{Decimal(value).normalize():f}"
    return text if "." not in text else text.rstrip("0").rstrip(".")


def vat_category(seller: Association) -> dict:
    """The VAT category of everything the seller sells, with the exemption code and the wording."""
    reason = vat_mention(seller)
    if seller.vat_status == Association.VatStatus.MARGIN:
        return {"category": "E", "rate": "0", "code": "VATEX-EU-F", "reason": reason}
    if seller.siret:
        return {"category": "E", "rate": "0", "code": "VATEX-FR-FRANCHISE", "reason": reason}
    return {"category": "O", "rate": None, "code": "VATEX-EU-O", "reason": reason}


def _address(line1="", line2="", postcode="", city="") -> dict:
    return {"addr_l1": line1, "addr_l2": line2, "postcode": postcode, "city": city, "country_code": COUNTRY}


def _clean(values: dict) -> dict:
    return {key: value for key, value in values.items() if value not in (None, "", [], {})}


def _seller_party(seller: Association, vat: dict) -> dict:
    party = {
        "name": seller.name,
        "legal_info": seller.get_legal_form_display() + (f" – RNA {seller.rna}" if seller.rna else ""),
        **_address(seller.street, "", seller.postcode, seller.city),
    }
    if seller.siret:
        party["legal_identifier"], party["legal_identifier_schemeid"] = seller.siret[:9], "0002"
        party["identifiers"] = {"0009": seller.siret}
    if seller.vat_number:
        party["vat_identifier"] = seller.vat_number
    elif vat["category"] == "E":
        party["tax_identifier"] = seller.siret[:9]
    if seller.email:
        party["einvoicing_addr_schemeid"], party["einvoicing_addr"] = "EM", seller.email
    return _clean(party)


def _buyer_party(order, checkout) -> dict:
    organisation = checkout.organisation if checkout else None
    if organisation is not None:
        return _clean(
            {
                "name": organisation.name,
                "legal_identifier": organisation.siret[:9],
                "legal_identifier_schemeid": "0002",
                "identifiers": {"0009": organisation.siret},
                "einvoicing_addr_schemeid": "EM",
                "einvoicing_addr": organisation.billing_email,
                **_address(
                    organisation.billing_line1,
                    organisation.billing_line2,
                    organisation.billing_postcode,
                    organisation.billing_city,
                ),
            }
        )
    billing = order.billing_address
    if billing is not None:
        return _clean(
            {
                "name": billing.name or order.email,
                **_address(billing.line1, billing.line2, billing.postcode, billing.line4),
            }
        )
    return _clean({"name": order.email or (checkout.email if checkout else ""), "country_code": COUNTRY})


def _payment(invoice, checkout) -> dict:
    seller = invoice.seller
    method = checkout.method if checkout else "transfer"
    if method == "at_pickup":  # the reference starts with how the buyer paid at the counter
        code = next(
            (
                MEANS[means]
                for means, label in Checkout.CounterMeans.choices
                if invoice.payment_reference.startswith(str(label))
            ),
            "48",
        )
    else:
        code = MEANS.get(method, "30")
    payment = {"BT-81": code, "BT-82": str(checkout.get_method_display()) if checkout else ""}
    if code == "30":
        if seller.iban:
            payment.update({"BT-83": invoice.number, "BT-84": seller.iban, "BT-85": seller.name, "BT-86": seller.bic})
        else:
            payment["BT-81"] = "1"  # no account to name: means not defined
    return _clean(payment)


def data_dict(invoice) -> dict:
    """The invoice or credit note as `facturx.generate_xml` reads it (keys are EN 16931 business terms)."""
    order = invoice.order
    checkout = getattr(order, "checkout", None)
    organisation = checkout.organisation if checkout else None
    seller = invoice.seller
    vat = vat_category(seller)
    rate = {} if vat["rate"] is None else {"BT-152": vat["rate"]}
    lines = []
    for number, line in enumerate(invoice.lines.all(), start=1):
        lines.append(
            _clean(
                {
                    "BT-126": str(number),
                    "BT-153": line.description[:255],
                    "BT-154": (_("Devices: %(tags)s") % {"tags": line.asset_tags}) if line.asset_tags else "",
                    "BT-129": _quantity(line.quantity),
                    "BT-130": "C62",
                    "BT-146": _money(line.unit_price),
                    "BT-131": _money(line.amount),
                    "BT-151": vat["category"],
                    **rate,
                }
            )
        )
    total = sum((Decimal(line["BT-131"]) for line in lines), Decimal("0.00"))
    breakdown = _clean(
        {
            "BT-116": _money(total),
            "BT-117": "0.00",
            "BT-118": vat["category"],
            "BT-119": vat["rate"],
            "BT-120": vat["reason"],
            "BT-121": vat["code"],
        }
    )
    paid = total if (invoice.paid_at and not invoice.is_credit_note) else Decimal("0.00")
    issued = timezone.localtime(invoice.issued_at).date()
    notes = [{"BT-21": "AAI", "BT-22": vat["reason"]}]
    terms = ""
    if organisation is not None:
        mention = late_payment_mention(public_buyer=organisation.public_buyer)
        notes += [
            {"BT-21": "PMD", "BT-22": mention},
            {"BT-21": "PMT", "BT-22": _("Fixed indemnity for recovery costs in case of late payment: €40.")},
            {"BT-21": "AAB", "BT-22": _("No discount for early payment.")},
        ]
        terms = mention
    if invoice.is_credit_note and invoice.reason:
        notes.append({"BT-21": "ACD", "BT-22": invoice.reason})
    data = {
        "BT-1": invoice.number,
        "BT-2": issued,
        "BT-3": "381" if invoice.is_credit_note else "380",
        "BT-5": "EUR",
        "BG-1": notes,
        "BT-10": checkout.service_code if checkout else "",
        "BT-13": checkout.purchase_order if checkout else "",
        "BT-14": order.number,
        "BG-4": _seller_party(seller, vat),
        "BG-7": _buyer_party(order, checkout),
        "BT-72": issued,  # delivered at the latest when invoiced: invoices are issued at delivery or payment
        "BG-25": lines,
        "BG-23": [breakdown],
        "BT-106": _money(total),
        "BT-109": _money(total),
        "BT-110": "0.00",
        "BT-112": _money(total),
        "BT-113": _money(paid) if paid else None,
        "BT-115": _money(total - paid),
        "BT-9": invoice.due_date if (invoice.due_date and total - paid) else None,
        "BT-20": terms,
        # A credit note names no account to pay to: the seller refunds or deducts it.
        **({} if invoice.is_credit_note else _payment(invoice, checkout)),
    }
    if invoice.is_credit_note:
        data["BG-3"] = [
            {"BT-25": invoice.credited.number, "BT-26": timezone.localtime(invoice.credited.issued_at).date()}
        ]
    return _clean(data)


def cii_xml(invoice) -> bytes:
    """The CII XML (EN 16931), checked against the Factur-X XSD by the library (raises if not valid)."""
    from facturx.generate_xml import generate_xml

    return generate_xml(data_dict(invoice), flavor="factur-x", level=LEVEL, check_xsd=True, check_schematron=False)


def facturx_pdf(invoice) -> bytes:
    """The invoice's PDF with its XML attached: a Factur-X (EN 16931) PDF/A-3 file."""
    from facturx import generate_from_binary

    kind = _("Credit note") if invoice.is_credit_note else _("Invoice")
    metadata = {
        "author": invoice.seller.name,
        "keywords": "Factur-X",
        "title": f"{kind} {invoice.number}",
        "subject": f"{kind} {invoice.number} – {invoice.seller.name}",
    }
    document = generate_from_binary(
        invoice_pdf(invoice),
        cii_xml(invoice),
        flavor="factur-x",
        level=LEVEL,
        check_xsd=False,  # checked when built
        pdf_metadata=metadata,
        lang="fr-FR",
        xmp_compression=False,
    )
    return _pdfa_finish(document, metadata)


def _srgb_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _pdfa_finish(document: bytes, metadata: dict) -> bytes:
    """What PDF/A-3 asks and the Factur-X library leaves out: an sRGB output intent, and an information
    dictionary that says what the XMP says."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(document)))
    profile = DecodedStreamObject()
    profile.set_data(_srgb_profile())
    profile[NameObject("/N")] = NumberObject(3)
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/RegistryName"): TextStringObject("http://www.color.org"),
            NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/DestOutputProfile"): writer._add_object(profile.flate_encode()),
        }
    )
    writer._root_object[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
    info = writer._info.get_object()
    info[NameObject("/Producer")] = TextStringObject("pypdf")
    info.pop("/Keywords", None)
    writer.pdf_header = b"%PDF-1.7"
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def invoice_pdf_bytes(*, invoice) -> bytes:
    """The Factur-X PDF of the invoice or credit note, written to the private storage the first time."""
    storage = private_storage_of_settings()
    if not invoice.pdf or not storage.exists(invoice.pdf):
        content = facturx_pdf(invoice)
        invoice.pdf = storage.save(f"invoices/{invoice.seller.slug}/{invoice.number}.pdf", ContentFile(content))
        Invoice.objects.filter(pk=invoice.pk).update(pdf=invoice.pdf)
        return content
    with storage.open(invoice.pdf, "rb") as handle:
        return handle.read()
