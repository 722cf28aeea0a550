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


def compact_normalize(value: str) -> str:
    """Numbers people type in groups ("FR 40 303 265 045", "FR76 3000 …"): spaces, dots and dashes out, upper case."""
    return re.sub(r"[\s.\-]", "", value or "").upper()


def validate_french_vat_number(value: str) -> None:
    """An intra-community VAT number of France (FR, a two-character key, the SIREN), key checked by python-stdnum."""
    from stdnum.fr import tva

    if not tva.is_valid(compact_normalize(value)):
        raise ValidationError(
            _("This VAT number is not valid: FR, a key of two characters and the SIREN, e.g. FR40303265045."),
            code="vat_number",
        )


def validate_iban(value: str) -> None:
    from stdnum import iban

    if not iban.is_valid(compact_normalize(value)):
        raise ValidationError(_("This IBAN is not valid: check its digits."), code="iban")


def validate_bic(value: str) -> None:
    from stdnum import bic

    if not bic.is_valid(compact_normalize(value)):
        raise ValidationError(_("This BIC is not valid: 8 or 11 letters and digits, e.g. CMBRFR2BXXX."), code="bic")
