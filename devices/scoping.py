"""Which member associations a person works for, and the back offices' querysets cut down to them.

Every back office lists and acts on the objects of the user's own associations only, for the role it
serves; an object of another member is answered with 404, as if it did not exist. A network coordinator
(permission `devices.coordinate_network`, or a superuser) sees and acts across all members.
"""

from devices.models import Association, Donor, IntakeBatch, Membership

Role = Membership.Role
COORDINATE_PERMISSION = "devices.coordinate_network"


def is_coordinator(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.has_perm(COORDINATE_PERMISSION)))


def associations_of(user, role: str):
    """The associations `user` works for in `role` (all of them for a coordinator)."""
    if is_coordinator(user):
        return Association.objects.all()
    if not user.is_authenticated:
        return Association.objects.none()
    return Association.objects.filter(memberships__user=user, memberships__role=role).distinct()


def scoped(queryset, user, role: str, *, through: str = "association"):
    """`queryset` cut down to the objects whose `through` association is one of the user's."""
    if is_coordinator(user):
        return queryset
    return queryset.filter(**{f"{through}__in": associations_of(user, role)})


def donors_of(user):
    """The donors a technician may list and change: those whose every batch is at one of their associations
    (a donor not used yet has none). A donor that gave to several members is the network's: coordinators only."""
    if is_coordinator(user):
        return Donor.objects.all()
    elsewhere = IntakeBatch.objects.exclude(association__in=associations_of(user, Role.TECHNICIAN))
    return Donor.objects.exclude(batches__in=elsewhere)
