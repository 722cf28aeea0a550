"""The network coordinator's dashboard in the Wagtail admin: every member's figures for a chosen period,
each table also as CSV."""

import csv
from datetime import date

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from devices.models import Device
from devices.scoping import is_coordinator
from devices.views import csv_cell
from network import selectors


class PeriodForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("The period cannot end before it starts."))
        return cleaned

    def period(self) -> selectors.Period:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        start = data.get("start") or date(today.year, 1, 1)
        end = data.get("end") or today
        return selectors.Period(start=start, end=max(end, start))


def _csv(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
    response.write("\ufeff")  # Excel opens UTF-8 correctly with a BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return response


@require_GET
def dashboard(request):
    if not is_coordinator(request.user):
        raise PermissionDenied
    form = PeriodForm(request.GET or None)
    period = form.period()
    members = selectors.members_table(period)
    table = request.GET.get("csv")
    suffix = f"{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}"
    statuses = list(Device.Status.choices)
    if table == "membres":
        header = [_("Member association"), *[str(label) for _value, label in statuses]]
        header += [_("Received in the period"), _("Second lives in the period"), _("Overdue loans"), _("Revenue (€)")]
        rows = [
            [row["association"].name, *[row["by_status"][value] for value, _label in statuses]]
            + [row["received"], row["reused"], row["overdue"], f"{row['revenue']:.2f}".replace(".", ",")]
            for row in members
        ]
        return _csv(f"reseau-membres-{suffix}.csv", header, rows)
    months = selectors.months_table(period)
    if table == "mois":
        header = [_("Member association"), _("Month"), _("Received"), _("Second lives")]
        rows = [[r["member"], f"{r['month']:%Y-%m}", r["received"], r["reused"]] for r in months]
        return _csv(f"reseau-mois-{suffix}.csv", header, rows)
    donors = selectors.donors_table()
    if table == "donateurs":
        header = [_("Donor"), _("Member association"), _("Devices")]
        rows = [[d["donor"], name, n] for d in donors for name, n in d["members"]]
        return _csv("reseau-donateurs.csv", header, rows)
    return render(
        request,
        "network/dashboard.html",
        {
            "form": form,
            "period": period,
            "members": members,
            "months": months,
            "donors": donors,
            "statuses": statuses,
            "query": request.GET.urlencode(),
        },
    )
