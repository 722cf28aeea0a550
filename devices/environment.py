"""Environmental figures of reuse, with their factors and where they come from.

Reusing a device avoids manufacturing a new one. The factors are orders of magnitude of the greenhouse
gases emitted and the materials used to manufacture a new device of each category (ADEME, Base Empreinte®
and the ADEME–Arcep study of the environmental footprint of digital technology in France, 2022). They are
shown with their source on every page that uses them and can be refined here.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Factor:
    category: str
    kg_co2e: int  # emissions of manufacturing a new device, kg CO2 equivalent
    kg_device: float  # weight of the device, kg (waste avoided)

    @property
    def label(self) -> str:
        """The category as people read it ("Ordinateur portable"), not its code."""
        from devices.models import Device

        return str(dict(Device.Category.choices).get(self.category, self.category))


FACTORS = {
    "laptop": Factor("laptop", 156, 2.0),
    "desktop": Factor("desktop", 169, 7.0),
    "screen": Factor("screen", 222, 4.5),
    "server": Factor("server", 600, 20.0),
    "tablet": Factor("tablet", 63, 0.5),
    "smartphone": Factor("smartphone", 32, 0.2),
    "other": Factor("other", 20, 1.0),
}

SOURCE = _(
    "Manufacturing footprint per device: orders of magnitude from ADEME (Base Empreinte®) and the ADEME–Arcep "
    "study on the environmental footprint of digital technology in France (2022). Weights: typical device weights."
)


def avoided(counts_by_category: dict[str, int]) -> dict[str, float]:
    """kg CO2e and kg of waste avoided by the reuse of these devices."""
    co2 = sum(FACTORS.get(cat, FACTORS["other"]).kg_co2e * n for cat, n in counts_by_category.items())
    waste = sum(FACTORS.get(cat, FACTORS["other"]).kg_device * n for cat, n in counts_by_category.items())
    return {"kg_co2e": co2, "kg_waste": round(waste, 1)}
