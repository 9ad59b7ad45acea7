import getpass
import os
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import (
    get_default_password_validators,
    get_password_validators,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

DEFAULT_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]


class Command(BaseCommand):
    help = (
        "Create a user who signs in with a password. The password is read from the environment variable "
        "named by --password-env, or asked for; it is never taken on the command line."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # No abbreviations: '--password secret' must not be read as '--password-env secret' (and then echoed).
        return super().create_parser(prog_name, subcommand, allow_abbrev=False, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="", help="Full name, shown beside their changes")
        parser.add_argument("--password-env", help="Name of an environment variable holding the password")

    def handle(self, *args, username, email, name, password_env, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user called {username!r} already exists")
        if password_env:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", password_env):
                raise CommandError(
                    "--password-env takes the name of an environment variable (like NEW_USER_PASSWORD), "
                    "not the password itself"
                )
            password = os.environ.get(password_env)
            if not password:
                raise CommandError(f"The environment variable {password_env} is not set")
        else:
            password = getpass.getpass(f"Password for {username}: ")
        user = User(username=username, email=email)
        first, _, last = name.partition(" ")
        user.first_name, user.last_name = first, last
        # The project's validators, or Django's four defaults when none are configured: a council account
        # never gets a trivial password.
        validators = get_default_password_validators() or get_password_validators(DEFAULT_VALIDATORS)
        try:
            validate_password(password, user, password_validators=validators)
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from exc
        user.set_password(password)
        user.save()
        self.stdout.write(f"Created {username}. Grant a role with: manage.py grant_role {username} <role>")
