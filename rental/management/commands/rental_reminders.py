from django.core.management.base import BaseCommand

from rental.services import reminders_send
from rental.stripe_billing import subscriptions_cancel_pending


class Command(BaseCommand):
    help = "Envoie les rappels d'échéance et de retard des prêts, et arrête les abonnements restés actifs."

    def handle(self, *args, **options):
        sent = reminders_send()
        cancelled = subscriptions_cancel_pending()
        if options["verbosity"]:
            self.stdout.write(
                f"{sent['due']} rappel(s) d'échéance, {sent['overdue']} rappel(s) de retard, "
                f"{cancelled} abonnement(s) arrêté(s)."
            )
