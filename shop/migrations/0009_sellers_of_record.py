"""Sellers of record: each member association invoices under its own identity and series. Invoices issued
before keep their numbers; each gets the seller whose workshop held its order, its lines from the order's,
and each seller's counters start after its highest number of the year."""

import django.db.models.deletion
from django.db import migrations, models


def attach_sellers(apps, schema_editor):
    Invoice = apps.get_model("shop", "Invoice")
    InvoiceLine = apps.get_model("shop", "InvoiceLine")
    DocumentCounter = apps.get_model("shop", "DocumentCounter")
    Checkout = apps.get_model("shop", "Checkout")
    Workshop = apps.get_model("shop", "Workshop")
    Association = apps.get_model("devices", "Association")
    Line = apps.get_model("order", "Line")
    association_of_partner = dict(Workshop.objects.values_list("partner_id", "association_id"))
    fallback = Association.objects.order_by("pk").values_list("pk", flat=True).first()
    for record in Checkout.objects.filter(seller__isnull=True, order__isnull=False):
        partner = (
            record.pickup_partner_id
            or Line.objects.filter(order_id=record.order_id).values_list("partner_id", flat=True).first()
        )
        if association_of_partner.get(partner):
            Checkout.objects.filter(pk=record.pk).update(seller_id=association_of_partner[partner])
    # Orders on invoice still waiting for their payment: confirmed, to be invoiced at delivery (the new rule).
    Order = apps.get_model("order", "Order")
    waiting = Checkout.objects.filter(method__in=("transfer", "mandate"), state="placed").values("order_id")
    Order.objects.filter(pk__in=waiting, status="En attente de paiement").update(status="Confirmée")
    for invoice in Invoice.objects.all():
        record = Checkout.objects.filter(order_id=invoice.order_id).first()
        seller = (record.seller_id if record else None) or fallback
        paid = record.paid_at if record else None
        Invoice.objects.filter(pk=invoice.pk).update(seller_id=seller, paid_at=paid, due_date=invoice.issued_at.date())
        for line in Line.objects.filter(order_id=invoice.order_id):
            InvoiceLine.objects.create(
                invoice_id=invoice.pk,
                order_line_id=line.pk,
                description=line.title,
                quantity=line.quantity,
                unit_price=line.unit_price_incl_tax or 0,
                amount=line.line_price_incl_tax,
            )
        order = apps.get_model("order", "Order").objects.get(pk=invoice.order_id)
        if order.shipping_incl_tax:
            InvoiceLine.objects.create(
                invoice_id=invoice.pk,
                description=order.shipping_method or "Livraison",
                quantity=1,
                unit_price=order.shipping_incl_tax,
                amount=order.shipping_incl_tax,
            )
        # An order on invoice invoiced in full at its payment (the rule before): its devices are billed by it,
        # so that no delivery invoices them again.
        apps.get_model("shop", "ListedDevice").objects.filter(order_line__order_id=invoice.order_id).update(
            invoice_id=invoice.pk
        )
        year, number = int(invoice.number.split("-")[1]), int(invoice.number.split("-")[2])
        counter, _created = DocumentCounter.objects.get_or_create(seller_id=seller, kind="invoice", year=year)
        if number > counter.last:
            counter.last = number
            counter.save(update_fields=["last"])


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0009_seller_identity"),
        ("order", "0021_billingaddress_code_shippingaddress_code"),
        ("shop", "0008_checkout_tracking"),
    ]

    operations = [
        migrations.CreateModel(
            name="DocumentCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=12)),
                ("year", models.PositiveSmallIntegerField()),
                ("last", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="InvoiceLine",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("description", models.CharField(max_length=255, verbose_name="description")),
                ("quantity", models.PositiveIntegerField(verbose_name="quantity")),
                (
                    "unit_price",
                    models.DecimalField(decimal_places=2, max_digits=10, verbose_name="unit price (incl. VAT)"),
                ),
                ("amount", models.DecimalField(decimal_places=2, max_digits=10, verbose_name="amount (incl. VAT)")),
                ("asset_tags", models.TextField(blank=True, verbose_name="asset tags")),
            ],
            options={
                "ordering": ["pk"],
            },
        ),
        migrations.DeleteModel(
            name="InvoiceCounter",
        ),
        migrations.AlterModelOptions(
            name="invoice",
            options={"ordering": ["issued_at", "pk"], "verbose_name": "invoice", "verbose_name_plural": "invoices"},
        ),
        migrations.AddField(
            model_name="checkout",
            name="seller",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="devices.association",
                verbose_name="seller",
            ),
        ),
        migrations.AddField(
            model_name="invoice",
            name="credited",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="credit_notes",
                to="shop.invoice",
                verbose_name="invoice credited",
            ),
        ),
        migrations.AddField(
            model_name="invoice",
            name="due_date",
            field=models.DateField(blank=True, null=True, verbose_name="due on"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="kind",
            field=models.CharField(
                choices=[("invoice", "invoice"), ("credit_note", "credit note")],
                default="invoice",
                max_length=12,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="invoice",
            name="paid_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="paid on"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="payment_reference",
            field=models.CharField(blank=True, max_length=120, verbose_name="payment reference"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="reason",
            field=models.CharField(blank=True, max_length=255, verbose_name="reason"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="reminded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last reminded on"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="seller",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="invoices",
                to="devices.association",
                verbose_name="seller",
            ),
        ),
        migrations.AddField(
            model_name="listeddevice",
            name="invoice",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="devices",
                to="shop.invoice",
            ),
        ),
        migrations.AlterField(
            model_name="invoice",
            name="number",
            field=models.CharField(max_length=20, verbose_name="number"),
        ),
        migrations.AlterField(
            model_name="invoice",
            name="order",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="invoices", to="order.order"
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.UniqueConstraint(fields=("seller", "number"), name="shop_invoice_number_per_seller"),
        ),
        migrations.AddField(
            model_name="documentcounter",
            name="seller",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="devices.association"
            ),
        ),
        migrations.AddField(
            model_name="invoiceline",
            name="invoice",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="lines", to="shop.invoice"
            ),
        ),
        migrations.AddField(
            model_name="invoiceline",
            name="order_line",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="order.line"
            ),
        ),
        migrations.AddConstraint(
            model_name="documentcounter",
            constraint=models.UniqueConstraint(fields=("seller", "kind", "year"), name="shop_one_counter_per_series"),
        ),
        migrations.RunPython(attach_sellers, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="invoice",
            name="seller",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="invoices",
                to="devices.association",
                verbose_name="seller",
            ),
        ),
    ]
