"""python manage.py restore FILE|- --yes: put back the database and media files of a backup."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Replace the database and the media files with those of a `backup` archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", help='The archive `backup` wrote; "-" for stdin.')
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Confirm: everything now in the database and under MEDIA_ROOT is replaced.",
        )

    def handle(self, *args, archive, yes=False, **options):
        if not yes:
            raise CommandError(
                "restore replaces the whole database and every media file: add --yes to confirm."
            )
        try:
            if archive == "-":
                manifest = backup_restore(sys.stdin.buffer)
            else:
                with open(archive, "rb") as stream:
                    manifest = backup_restore(stream)
        except FileNotFoundError:
            raise CommandError(f"{archive} does not exist.") from None
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: the database and "
            f"{manifest['media_files']} media files."
        )
