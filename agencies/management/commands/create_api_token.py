from django.core.management.base import BaseCommand, CommandError

from agencies.models import User
from agencies.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print its key (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--read-only", action="store_true", help="It may only read.")
        parser.add_argument("--name", default="created by an operator", help="What uses it.")

    def handle(self, *args, username, read_only, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        token, key = api_token_create(user=user, name=name, read_only=read_only)
        access = "read-only" if read_only else "read and write"
        self.stderr.write(f"Token {token.prefix}… for {username} ({access}):")
        self.stdout.write(key)
