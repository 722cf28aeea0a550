from django.core.management.base import BaseCommand

from rental.services import applications_purge


class Command(BaseCommand):
    help = (
        "Supprime les données personnelles et les fichiers des demandes de location refusées, annulées ou "
        "clôturées après la durée de conservation (RENTAL_RETENTION_DAYS, RENTAL_CLOSED_RETENTION_DAYS)."
    )

    def handle(self, *args, **options):
        count = applications_purge()
        if options["verbosity"]:
            self.stdout.write(f"{count} demande(s) anonymisée(s).")
