"""`manage.py backup`: the database and every stored file in a dated, checksummed archive (see
`reemploi.backups`); `--list` shows the archives kept, `--prune` deletes those older than
BACKUP_RETENTION_DAYS."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reemploi import backups


class Command(BaseCommand):
    help = "Back up the database and the stored files into the backups storage."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="list the archives kept, and do nothing else")
        parser.add_argument("--prune", action="store_true", help="then delete archives older than the retention")

    def handle(self, *args, **options):
        if options["list"]:
            for name, size in backups.backups_list():
                self.stdout.write(f"{name}  {size / 1_000_000:.1f} Mo")
            return
        try:
            summary = backups.backup_create()
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{summary.name}: {summary.size / 1_000_000:.1f} Mo, database and {summary.files} files, "
            f"sha256 {summary.sha256}"
        )
        if options["prune"]:
            for name in backups.backups_prune(keep_days=settings.BACKUP_RETENTION_DAYS):
                self.stdout.write(f"deleted {name}")
