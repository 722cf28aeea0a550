"""The demo's logins, one per role across the platform, and the groups that give each its back office.

The groups come from the apps' data migrations (Workshop, Shop, Rental) and from `content.roles` (Editors,
Moderators); this module only puts the demo users in them. Users are looked up by e-mail: running it again
changes nothing.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from content.roles import EDITORS, MODERATORS
from devices.demo import DEMO_PASSWORD
from devices.models import Association, Membership

PASSWORD = DEMO_PASSWORD
WORKSHOP = "Workshop"
SHOP = "Shop"
RENTAL = "Rental"
COORDINATORS = "Network coordinators"
GROUPS = (EDITORS, MODERATORS, WORKSHOP, SHOP, RENTAL, COORDINATORS)
CUSTOMER_ROLES = ("donor", "buyer", "trainee", "partner")
# e-mail, first name, role (superuser, a group name or a customer role), French label, where to go
USERS = [
    ("admin@reemploi.example", "Administratrice", "superuser", "administration", "tout le site, /admin/"),
    ("coordination@reemploi.example", "Coordinatrice", COORDINATORS, "coordination", "tout le réseau (/admin/reseau/)"),
    ("editeur@reemploi.example", "Éditeur", EDITORS, "éditeur", "rédige et soumet (/admin/)"),
    ("moderateur@reemploi.example", "Modératrice", MODERATORS, "modératrice", "valide et publie (/admin/)"),
    ("atelier@reemploi.example", "Technicien·ne", WORKSHOP, "atelier", "registre des appareils (/admin/atelier/)"),
    ("region@reemploi.example", "Région Bretagne", "donor", "donateur", "espace donateurs (/donateurs/)"),
    ("boutique@reemploi.example", "Vendeuse", SHOP, "boutique", "commandes (/admin/boutique/commandes/)"),
    ("ccas@reemploi.example", "CCAS de Redon", "buyer", "acheteur pro", "achat sur facture (/boutique/), relais"),
    ("relais@reemploi.example", "Soizic", "partner", "relais", "Mission locale : remises (/relais/)"),
    ("location@reemploi.example", "Maëlle", RENTAL, "location", "demandes de location (/admin/location/demandes/)"),
    ("atelier.rennes@reemploi.example", "Erwan", WORKSHOP, "atelier", "atelier de Rennes Ordi Partage"),
    ("boutique.rennes@reemploi.example", "Katell", SHOP, "boutique", "comptoir de Rennes Ordi Partage"),
    ("location.rennes@reemploi.example", "Yann", RENTAL, "location", "location à Rennes Ordi Partage"),
    ("stagiaire@reemploi.example", "Nolwenn", "trainee", "stagiaire", "ses demandes (/location/mes-demandes/)"),
]

# e-mail, member association (slug), role there: the back offices show that association's objects only.
MEMBERSHIPS = [
    ("atelier@reemploi.example", "declic", Membership.Role.TECHNICIAN),
    ("boutique@reemploi.example", "declic", Membership.Role.SHOP_COUNTER),
    ("location@reemploi.example", "declic", Membership.Role.RENTAL_OFFICER),
    ("atelier.rennes@reemploi.example", "rennes-ordi-partage", Membership.Role.TECHNICIAN),
    ("boutique.rennes@reemploi.example", "rennes-ordi-partage", Membership.Role.SHOP_COUNTER),
    ("location.rennes@reemploi.example", "rennes-ordi-partage", Membership.Role.RENTAL_OFFICER),
]


def users_ensure():
    """Each login of `USERS`, active, with the demo password, a verified primary e-mail and its group, and the
    staff's roles at their member association (`MEMBERSHIPS`)."""
    User = get_user_model()
    for email, first_name, role, _label, _where in USERS:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=PASSWORD, first_name=first_name)
        user.set_password(PASSWORD)
        user.is_active = True
        user.is_staff = role not in CUSTOMER_ROLES
        user.is_superuser = role == "superuser"
        user.save()
        EmailAddress.objects.filter(user=user).exclude(email__iexact=email).update(primary=False)
        EmailAddress.objects.update_or_create(
            user=user, email__iexact=email, defaults={"email": email, "verified": True, "primary": True}
        )
        if role in GROUPS:
            user.groups.add(Group.objects.get(name=role))
    for email, slug, role in MEMBERSHIPS:
        Membership.objects.get_or_create(
            user=User.objects.get(email__iexact=email), association=Association.objects.get(slug=slug), role=role
        )
