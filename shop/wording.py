"""Words the law bans from refurbished goods' listings (décret 2022-190)."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# folded form (no accents, lower case) → as shown to the person typing it
BANNED = {"comme neuf": "comme neuf", "etat neuf": "état neuf"}


def fold(text: str) -> str:
    """Lower case, no accents, runs of spaces and dashes made one space."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[\s\-_']+", " ", text)


def banned_wording(text: str) -> list[str]:
    folded = fold(text)
    return [shown for phrase, shown in BANNED.items() if re.search(rf"\b{phrase}\b", folded)]


def validate_listing_wording(text: str) -> None:
    found = banned_wording(text)
    if found:
        raise ValidationError(
            _("The words « %(words)s » are not allowed for refurbished goods (décret 2022-190).")
            % {"words": " », « ".join(found)}
        )
