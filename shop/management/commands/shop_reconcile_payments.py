from django.core.management.base import BaseCommand, CommandError

from payments import stripe_api
from shop.services.payments import payments_reconcile


class Command(BaseCommand):
    help = "Settle card payments left in doubt (authorised but no order, or captured but not marked paid)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=10, help="Minutes since the checkout (default 10).")

    def handle(self, *args, older_than, **options):
        if not stripe_api.enabled():
            raise CommandError("Stripe is not configured (STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY).")
        counts = payments_reconcile(older_than_minutes=older_than)
        self.stdout.write("paid: {paid}, refused: {refused}, unchanged: {unchanged}, errors: {errors}".format(**counts))
