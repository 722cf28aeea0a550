"""Checks on French identifiers typed by people: postcodes, SIRET and RNA numbers (buyers, member associations)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Metropolitan départements 01–95 (Corsica's postcodes start with 20) and overseas 971–976, 984–988.
POSTCODE_RE = re.compile(r"^(?:0[1-9]|[1-8]\d|9[0-5])\d{3}$|^97[1-6]\d{2}$|^98[4-8]\d{2}$")
# La Poste's establishments share one SIREN whose SIRET numbers fail the Luhn key (INSEE's exception).
LA_POSTE_SIREN = "356000000"


def postcode_normalize(value: str) -> str:
    return re.sub(r"\s+", "", value or "")


def validate_french_postcode(value: str) -> None:
    if not POSTCODE_RE.match(postcode_normalize(value)):
        raise ValidationError(_("Enter a French postcode of five digits, e.g. 35000."), code="postcode")


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char)
        if index % 2:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return total % 10 == 0


def siret_normalize(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def validate_siret(value: str) -> None:
    siret = siret_normalize(value)
    if not re.fullmatch(r"\d{14}", siret):
        raise ValidationError(_("A SIRET number has 14 digits."), code="siret_length")
    if siret.startswith(LA_POSTE_SIREN):
        valid = sum(int(char) for char in siret) % 5 == 0
    else:
        valid = luhn_valid(siret[:9]) and luhn_valid(siret)
    if not valid:
        raise ValidationError(_("This SIRET number is not valid: check its digits."), code="siret_key")


# The national register of associations: "W" and nine digits (W353001234).
RNA_RE = re.compile(r"^W\d{9}$")


def rna_normalize(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def validate_rna(value: str) -> None:
    if not RNA_RE.match(rna_normalize(value)):
        raise ValidationError(_("An RNA number is a W followed by nine digits, e.g. W353001234."), code="rna")
