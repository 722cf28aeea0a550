"""`manage.py demo_shop`: the shop's demo alone (`shop.demo`), for a database whose registry demo is loaded.

`manage.py demo` runs the same after the registry's demo. Idempotent.
"""

from django.core.management.base import BaseCommand

from shop import demo


class Command(BaseCommand):
    help = "List the demo registry's ready devices under shop products."

    def handle(self, *args, **options):
        demo.load(stdout=self.stdout, verbosity=options["verbosity"])
