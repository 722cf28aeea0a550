"""`manage.py demo`: the whole French demo platform, idempotently, each app's demo in turn.

1. the device registry (`devices.demo`): the member associations (identity, address, hours, services),
   donors and the two demo batches;
2. the public site (`content.demo`): pages (a page per member association), partners, news and stories,
   legal pages, forms, site settings, editorial roles;
3. one login per role across the platform (`demo.users`);
   then the donation programme (`programmes.demo`): La Poste's laptops handed by the Mission locale du Pays
   de Redon to young people, before the shop lists the devices still ready;
4. the shop (`shop.demo`): the registry's ready devices listed under products, the CCAS buyer;
5. the rental portal (`rental.demo`): programmes and applications in several states.
Then it prints a summary and the demo logins.

Running it again changes nothing: every step looks up what it would create (pages by parent and slug,
snippets by name, images by title, users by e-mail, batches by reference…).
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from content import demo as content_demo
from content.models import FormPage, MemberPage, NewsPage, Partner, StoryPage
from demo.users import PASSWORD, USERS, users_ensure
from devices import demo as registry_demo
from programmes import demo as programmes_demo
from rental import demo as rental_demo
from shop import demo as shop_demo


class Command(BaseCommand):
    help = "Charge les données de démonstration (site, registre, boutique). Peut être relancée sans effet."

    def handle(self, *args, **options):
        with transaction.atomic():
            registry = registry_demo.load()
            content = content_demo.load()
            users_ensure()
            programmes_demo.load()
        shop_demo.load(stdout=self.stdout, verbosity=options["verbosity"])
        rental_demo.load(PASSWORD)
        if options["verbosity"]:
            self._summary(content, registry)

    def _summary(self, content, registry):
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration prêtes ({content['changes']} page(s) créée(s) ou mise(s) à jour) : "
                f"{MemberPage.objects.count()} associations, {Partner.objects.count()} partenaires, "
                f"{NewsPage.objects.count()} actualités, {StoryPage.objects.count()} histoires, "
                f"{FormPage.objects.count()} formulaires, {registry['devices']} appareils tracés."
            )
        )
        self.stdout.write(f"\nSite : {settings.SITE_BASE_URL}/   administration : {settings.SITE_BASE_URL}/admin/\n")
        self.stdout.write(f"  {'E-mail':30} {'Mot de passe':20} {'Rôle':14} Accès")
        for email, _first, _role, label, where in USERS:
            self.stdout.write(f"  {email:30} {PASSWORD:20} {label:14} {where}")
