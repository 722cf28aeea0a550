"""A schematic map of Brittany drawn as inline SVG: no tiles, no third-party request.

Points are (longitude, latitude) in degrees, projected equirectangularly with the x axis shrunk by
cos(48.2°) so that the region keeps its shape.
"""

import math

LON_MIN, LON_MAX = -4.85, -0.95
LAT_MIN, LAT_MAX = 47.35, 48.95
_X_SCALE = math.cos(math.radians(48.2))
WIDTH = 600
SCALE = WIDTH / ((LON_MAX - LON_MIN) * _X_SCALE)
HEIGHT = round((LAT_MAX - LAT_MIN) * SCALE)

# A coarse outline of the Région Bretagne's four départements, clockwise from the bay of Mont-Saint-Michel.
OUTLINE = [
    (-1.51, 48.63),
    (-1.85, 48.71),
    (-2.03, 48.65),
    (-2.32, 48.68),
    (-2.55, 48.60),
    (-2.77, 48.52),
    (-2.95, 48.72),
    (-3.05, 48.80),
    (-3.25, 48.84),
    (-3.45, 48.82),
    (-3.58, 48.70),
    (-3.98, 48.72),
    (-4.35, 48.68),
    (-4.62, 48.58),
    (-4.77, 48.40),
    (-4.77, 48.33),
    (-4.50, 48.38),
    (-4.55, 48.30),
    (-4.62, 48.27),
    (-4.55, 48.19),
    (-4.30, 48.10),
    (-4.73, 48.04),
    (-4.37, 47.80),
    (-3.90, 47.87),
    (-3.55, 47.76),
    (-3.37, 47.70),
    (-3.15, 47.55),
    (-3.13, 47.48),
    (-2.95, 47.57),
    (-2.70, 47.50),
    (-2.45, 47.45),
    (-2.30, 47.55),
    (-2.10, 47.65),
    (-1.70, 47.75),
    (-1.50, 47.85),
    (-1.20, 47.95),
    (-1.02, 48.10),
    (-1.05, 48.35),
    (-1.07, 48.55),
]


# Where each département's figure is drawn (near its centre): Brittany's four and the neighbours in the frame.
DEPARTMENT_CENTRES = {
    "22": (-2.85, 48.42),
    "29": (-4.1, 48.2),
    "35": (-1.68, 48.12),
    "56": (-2.85, 47.85),
    "44": (-1.75, 47.45),
}


def project(lon: float, lat: float) -> tuple[float, float]:
    """SVG coordinates (x, y) of a point given in degrees."""
    x = (float(lon) - LON_MIN) * _X_SCALE * SCALE
    y = (LAT_MAX - float(lat)) * SCALE
    return round(x, 1), round(y, 1)


OUTLINE_POINTS = " ".join("{},{}".format(*project(lon, lat)) for lon, lat in OUTLINE)
VIEWBOX = f"0 0 {WIDTH} {HEIGHT}"
