from django.conf import settings
from django.core.management.base import BaseCommand

from core.translations import compile_catalogues


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po into .mo files (pure Python; no gettext needed)."

    def handle(self, *args, **options):
        for locale_dir in settings.LOCALE_PATHS:
            for path in compile_catalogues(locale_dir):
                self.stdout.write(f"compiled {path}")
