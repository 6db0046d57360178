"""python manage.py backup [FILE|-]: the database and the media files in one tar archive."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_write, default_backup_name


class Command(BaseCommand):
    help = "Write the database and every media file (evidence, reports) to one tar archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "output", nargs="?", help='Archive path (default: a dated name here); "-" for stdout.'
        )

    def handle(self, *args, output=None, **options):
        output = output or default_backup_name()
        try:
            if output == "-":
                manifest = backup_write(sys.stdout.buffer)
                sys.stdout.buffer.flush()
                return
            with open(output, "xb") as stream:
                manifest = backup_write(stream)
        except FileExistsError:
            raise CommandError(f"{output} already exists; name a new file.") from None
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Wrote {output}: the {manifest['engine']} database and "
            f"{manifest['media_files']} media files."
        )
