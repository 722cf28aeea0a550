"""The programme report's chart and map as SVG geometry (the page draws them inline: no script, no style
attribute, no third-party request)."""

from django.utils.formats import date_format

from reemploi import map as brittany_map

CHART_WIDTH, CHART_HEIGHT, CHART_BASE = 600, 180, 150
# Brittany's frame and a margin below it, where Loire-Atlantique's disc and the labels fall.
MAP_VIEWBOX = f"0 0 {brittany_map.WIDTH} {brittany_map.HEIGHT + 60}"


def month_bars(by_month) -> list[dict]:
    """One bar per month: its rectangle in a 600×180 view box, the count above it and the month below."""
    if not by_month:
        return []
    largest = max(n for _month, n in by_month) or 1
    slot = CHART_WIDTH / len(by_month)
    bars = []
    for index, (month, n) in enumerate(by_month):
        height = round(120 * n / largest, 1)
        x = round(index * slot + slot * 0.15, 1)
        bars.append(
            {
                "x": x,
                "y": CHART_BASE - height,
                "width": round(slot * 0.7, 1),
                "height": height,
                "label_y": round(CHART_BASE - height - 4, 1),
                "centre": round(index * slot + slot / 2, 1),
                "count": n,
                "label": date_format(month, "M y"),
            }
        )
    return bars


def department_discs(by_department) -> list[dict]:
    """A disc per département of the map (its area proportional to the count), in the map's coordinates."""
    largest = max((n for _code, n in by_department), default=1) or 1
    discs = []
    for code, n in by_department:
        centre = brittany_map.DEPARTMENT_CENTRES.get(code)
        if centre is None or not n:
            continue
        x, y = brittany_map.project(*centre)
        radius = round(8 + 32 * (n / largest) ** 0.5, 1)
        discs.append({"code": code, "count": n, "x": x, "y": y, "r": radius, "label_y": round(y + radius + 16, 1)})
    return discs
