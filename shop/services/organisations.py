"""Buyer organisations: the profile a member fills in, and its verification by staff (which lets its members
order on invoice and ask for quotes)."""

from django.db import transaction
from django.utils import timezone

from shop.models import Organisation

# What staff checked when they verified an organisation: it stays as verified.
VERIFIED_FIELDS = ("name", "siret", "kind", "public_buyer")


@transaction.atomic
def organisation_save(*, user, organisation: Organisation | None, data: dict) -> Organisation:
    """Create or update the user's organisation from the profile form's values; the user becomes a member.

    Once the organisation is verified, its name, SIRET, kind and public-buyer flag keep their verified values.
    """
    if organisation is None:
        organisation = Organisation()
    else:
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    for name, value in data.items():
        if not (organisation.is_verified and name in VERIFIED_FIELDS):
            setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    organisation.members.add(user)
    return organisation


def organisation_verify(*, organisation: Organisation, actor) -> Organisation:
    """Staff checked the SIRET: the organisation's members buy on organisation terms (once; again changes nothing)."""
    if not organisation.is_verified:
        organisation.verified_at = timezone.now()
        organisation.verified_by = actor
        organisation.save(update_fields=["verified_at", "verified_by"])
    return organisation


@transaction.atomic
def organisation_set_roles(*, organisation: Organisation, approvers, threshold) -> Organisation:
    """Who approves (members of the organisation only) and above which total an order needs them."""
    members = organisation.members.filter(pk__in=[user.pk for user in approvers])
    organisation.approvers.set(members)
    organisation.approval_threshold = threshold
    organisation.save(update_fields=["approval_threshold"])
    return organisation
