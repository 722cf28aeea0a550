"""The programme's documents: the hand-over receipt the beneficiary signs, and the report for the donors'
and funder's elected officials (its figures, a chart of hand-overs per month and a map drawn here)."""

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Circle, Drawing, Polygon, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import TableStyle

from devices import environment
from reemploi import map as brittany_map
from reemploi import pdf

BAR = colors.HexColor("#1f6f50")
LAND = colors.HexColor("#e6f1ec")


def hand_over_receipt_pdf(allocation) -> bytes:
    """A receipt to print and sign at the hand-over: the device, the programme's terms and blank lines for
    the beneficiary's name and signature, written by hand (the registry never holds them)."""
    device, programme, partner = allocation.device, allocation.programme, allocation.partner
    sheet = pdf.styles()
    normal, heading = sheet["Normal"], sheet["Heading2"]
    story = [
        pdf.text(_("Hand-over receipt"), sheet["Title"]),
        pdf.text(programme.name, sheet["Heading3"]),
        pdf.space(4),
        pdf.text(_("The device"), heading),
        pdf.text(
            _("%(category)s %(brand)s %(model)s — asset tag %(tag)s, serial number %(serial)s.")
            % {
                "category": device.get_category_display(),
                "brand": device.brand,
                "model": device.model,
                "tag": device.asset_tag,
                "serial": device.serial or "—",
            },
            normal,
        ),
        pdf.text(
            _("Refurbished by %(member)s, its data erased before the hand-over (décret 2022-190).")
            % {"member": allocation.association.name},
            normal,
        ),
        pdf.text(_("Handed over by"), heading),
        pdf.text(f"{partner.name} ({partner.get_kind_display()})", normal),
    ]
    if allocation.partner_reference:
        story.append(pdf.text(_("Partner's reference: %(ref)s") % {"ref": allocation.partner_reference}, normal))
    terms = [programme.receipt_terms] if programme.receipt_terms else []
    if programme.loan_to_own and programme.loan_terms:
        terms.append(programme.loan_terms)
    if terms:
        story.append(pdf.text(_("What the beneficiary accepts"), heading))
        for paragraph in terms:
            for line in paragraph.splitlines():
                if line.strip():
                    story.append(pdf.text(line.strip(), normal))
    signatures = pdf.table(
        [
            [_("Beneficiary (name, written by hand)"), _("For the partner")],
            ["\n\n", "\n\n"],
            [_("Signature"), _("Signature")],
            ["\n\n\n", "\n\n\n"],
        ],
        [85, 85],
    )
    signatures.setStyle(
        TableStyle([("ALIGN", (0, 0), (-1, -1), "LEFT"), ("BACKGROUND", (0, 2), (-1, 2), pdf.HEADER_BACKGROUND)])
    )
    day = date_format(allocation.handed_over_on, "j F Y") if allocation.handed_over_on else "____ / ____ / ________"
    story += [
        pdf.space(6),
        pdf.text(_("Date: %(day)s") % {"day": day}, normal),
        pdf.space(8),
        signatures,
        *pdf.small_print(
            [
                _(
                    "This receipt is kept by the partner and the beneficiary. The platform records the hand-over "
                    "by category, age bracket and territory only: no name, no address."
                )
            ],
            sheet,
        ),
    ]
    return pdf.document(story, title=_("Hand-over receipt"))


def _month_chart(by_month) -> Drawing:
    drawing = Drawing(170 * mm, 60 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 10 * mm, 150 * mm, 45 * mm
    chart.data = [[n for _month, n in by_month]]
    chart.categoryAxis.categoryNames = [date_format(month, "M Y") for month, _n in by_month]
    chart.categoryAxis.labels.fontName = pdf.FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 30 if len(by_month) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(by_month) > 8 else "n"
    chart.valueAxis.labels.fontName = pdf.FONT
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = max(1, max(n for _m, n in by_month) // 5 or 1)
    chart.bars[0].fillColor = BAR
    chart.barLabels.fontName = pdf.FONT
    chart.barLabelFormat = "%d"
    chart.barLabels.nudge = 6
    drawing.add(chart)
    return drawing


def _department_map(by_department) -> Drawing:
    """Brittany's outline with a disc per département, its area proportional to the hand-overs there."""
    width = 120 * mm
    scale = width / brittany_map.WIDTH
    height = brittany_map.HEIGHT * scale
    drawing = Drawing(width, height)

    def at(lon, lat):
        x, y = brittany_map.project(lon, lat)
        return x * scale, height - y * scale

    points = [coordinate for lon, lat in brittany_map.OUTLINE for coordinate in at(lon, lat)]
    drawing.add(Polygon(points, fillColor=LAND, strokeColor=BAR, strokeWidth=0.8))
    largest = max((n for _d, n in by_department), default=1) or 1
    for code, n in by_department:
        centre = brittany_map.DEPARTMENT_CENTRES.get(code)
        if centre is None or not n:
            continue
        x, y = at(*centre)
        radius = 4 * mm * (n / largest) ** 0.5 + 1.5 * mm
        drawing.add(Circle(x, y, radius, fillColor=BAR, strokeColor=colors.white, fillOpacity=0.85))
        drawing.add(String(x + radius + 2, y - 3, f"{code} : {n}", fontName=pdf.FONT_BOLD, fontSize=8))
    return drawing


def programme_report_pdf(report, *, source_text: str) -> bytes:
    programme = report.programme
    sheet = pdf.styles()
    normal, heading = sheet["Normal"], sheet["Heading2"]
    story = [
        pdf.text(programme.name, sheet["Title"]),
    ]
    if programme.story:
        story.append(pdf.text(programme.story, normal))
    period = date_format(programme.starts_on, "j F Y")
    if programme.ends_on:
        period += " – " + date_format(programme.ends_on, "j F Y")
    story += [
        pdf.text(_("Period: %(period)s") % {"period": period}, normal),
        pdf.space(4),
        pdf.text(
            _(
                "%(allocated)d devices allocated to relay partners; %(handed)d handed over to beneficiaries, "
                "%(pending)d pending at a partner, %(returned)d returned to the workshop."
            )
            % {
                "allocated": report.allocated,
                "handed": report.handed_over,
                "pending": report.pending,
                "returned": report.returned,
            },
            sheet["Heading3"],
        ),
    ]
    if programme.quota:
        story.append(
            pdf.text(
                _("Quota: %(quota)d devices, %(rate)s filled.")
                % {"quota": programme.quota, "rate": f"{number_format(report.fill_rate * 100, 0)} %"},
                normal,
            )
        )
    if report.delay_median_days is not None:
        story.append(
            pdf.text(
                _("From the donor's delivery to the beneficiary: %(median)s days (median), %(max)s at most.")
                % {"median": number_format(report.delay_median_days, 0), "max": report.delay_max_days},
                normal,
            )
        )
    if report.by_month:
        story += [pdf.space(4), pdf.text(_("Hand-overs per month"), heading), _month_chart(report.by_month)]
    if report.by_department:
        story += [
            pdf.text(_("Where the beneficiaries live"), heading),
            _department_map(report.by_department),
            pdf.table([[_("Département"), _("Devices")]] + [[d or "—", n] for d, n in report.by_department], [110, 30]),
        ]
    for title, rows, column in (
        (_("Who benefits"), report.by_category, _("Beneficiary category")),
        (_("Age of the beneficiaries"), report.by_age, _("Age bracket")),
        (_("Their situation"), report.by_situation, _("Situation")),
    ):
        if rows:
            story += [pdf.space(3), pdf.text(title, heading), pdf.table([[column, _("Devices")], *rows], [110, 30])]
    if report.partners:
        story += [
            pdf.space(3),
            pdf.text(_("Relay partners"), heading),
            pdf.table(
                [[_("Partner"), _("Kind"), _("Allocated"), _("Handed over"), _("Returned")]]
                + [
                    [pdf.text(name, sheet["Small"]), pdf.text(kind, sheet["Small"]), n, given, back]
                    for name, kind, n, given, back in report.partners
                ],
                [55, 50, 22, 22, 22],
            ),
        ]
    if report.members:
        story.append(
            pdf.text(
                _("Refurbished by: %(members)s.") % {"members": ", ".join(name for name, _n in report.members)},
                normal,
            )
        )
    env = report.environment
    story += [
        pdf.space(3),
        pdf.text(_("Environmental benefit (upper bound)"), heading),
        pdf.text(
            _(
                "At most about %(co2)s kg CO2e of manufacturing emissions and %(waste)s kg of electronic waste "
                "avoided, if each device handed over replaces the purchase of a new one."
            )
            % {
                "co2": number_format(env.get("kg_co2e", 0), 0, force_grouping=True),
                "waste": number_format(env.get("kg_waste", 0), 1, force_grouping=True),
            },
            normal,
        ),
        pdf.table(
            [[_("Device"), _("kg CO2e per new device (at most)"), _("kg per device")]]
            + [
                [factor.label, factor.kg_co2e, number_format(factor.kg_device, 1)]
                for factor in environment.FACTORS.values()
            ],
            [45, 75, 40],
        ),
        pdf.text(source_text, sheet["Italic"]),
        *pdf.small_print(
            [
                _("No personal data of beneficiaries here: categories, age brackets and territories only."),
                _("Generated on %(date)s.") % {"date": date_format(timezone.localtime(), "j F Y H:i")},
            ],
            sheet,
        ),
    ]
    return pdf.document(story, title=programme.name)


def solidarity_voucher_pdf(voucher, prices) -> bytes:
    """The voucher the person takes to the shop: its code (typed online or scanned at the counter), its
    validity and the solidarity prices; no name."""
    sheet = pdf.styles()
    normal = sheet["Normal"]
    qr = QrCodeWidget(voucher.code)
    left, bottom, right, top = qr.getBounds()
    size = 40 * mm
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(qr)
    story = [
        pdf.text(_("Solidarity voucher"), sheet["Title"]),
        pdf.text(_("Issued by %(partner)s") % {"partner": voucher.partner.name}, sheet["Heading3"]),
        pdf.space(4),
        pdf.text(voucher.code, sheet["Title"]),
        drawing,
        pdf.text(
            _("Valid once, until %(day)s included, for one device.")
            % {"day": date_format(voucher.expires_on, "j F Y")},
            normal,
        ),
        pdf.text(
            _(
                "In the shop (/boutique/), put the device in your basket and type this code in the “Promo code” box, "
                "or show this voucher at a member's counter."
            ),
            normal,
        ),
    ]
    rows = [[str(price.get_category_display()), f"{number_format(price.max_price, 2)} €"] for price in prices]
    if rows:
        story += [pdf.space(4), pdf.table([[_("Device"), _("You pay at most")], *rows], [90, 50])]
    story += pdf.small_print(
        [_("This voucher is personal: it carries no name. Lost? Ask your adviser to revoke it.")], sheet
    )
    return pdf.document(story, title=_("Solidarity voucher"))
