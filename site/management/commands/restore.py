"""`manage.py restore <archive>`: a backup written back into an empty database (a new one, migrated by
nothing) and the storages, after every checksum is verified. `--replace` writes over a database in use."""

import environ
from django.core.management.base import BaseCommand, CommandError

from reemploi import backups


class Command(BaseCommand):
    help = "Restore a backup (a name in the backups storage, or a local path) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="reemploi-YYYYMMDD-HHMMSS.tar.gz, or the path of a copied archive")
        parser.add_argument(
            "--database-url", help="restore into this database (e.g. a scratch one, to check a backup) instead"
        )
        parser.add_argument("--replace", action="store_true", help="write over the current database and files")
        parser.add_argument("--noinput", "--no-input", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **options):
        if options["replace"] and not options["noinput"]:
            answer = input("This replaces the current database and files. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            database = environ.Env.db_url_config(options["database_url"]) if options["database_url"] else None
            summary = backups.backup_restore(options["archive"], database=database, replace=options["replace"])
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{summary.name} restored: the database and {summary.files} files (sha256 verified)")
