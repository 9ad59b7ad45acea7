import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from plans.models import Department, Role

# Local accounts for trying the product on the embedded database. They exist nowhere else: the command
# refuses to run against any other database or in production.
PASSWORD = "local-only-password"
USERS = [
    ("admin.local", "Ada Admin", Role.Kind.ADMIN, None),
    ("lead.childrens", "Chris Lead", Role.Kind.LEAD, "childrens-services"),
    ("approver.childrens", "Alex Approver", Role.Kind.APPROVER, "childrens-services"),
    ("lead.ete", "Erin Lead", Role.Kind.LEAD, "economy-transport-environment"),
    ("cabinet.member", "Cal Cabinet", Role.Kind.CABINET, None),
    ("viewer.local", "Val Viewer", Role.Kind.VIEWER, None),
]


class Command(BaseCommand):
    help = "Create the local try-it-out accounts (embedded database only). Password: " + PASSWORD

    def handle(self, *args, **options):
        if os.environ.get("DATABASE_URL") or getattr(settings, "PRODUCTION", False):
            raise CommandError("Local accounts are only for the embedded development database")
        User = get_user_model()
        # An account that exists is left as it is: `make run` runs this every time, and the roles, names and
        # password an administrator gave it since (a role revoked, say) are theirs, not this command's.
        existing = set(User.objects.filter(username__in=[u[0] for u in USERS]).values_list("username", flat=True))
        for username, name, kind, department in USERS:
            if username in existing:
                continue
            first, _, last = name.partition(" ")
            dept = Department.objects.filter(slug=department).first() if department else None
            if department and dept is None:
                self.stdout.write(f"{username} not created: department {department!r} is not loaded yet")
                continue
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                is_staff=kind == Role.Kind.ADMIN,
                is_superuser=kind == Role.Kind.ADMIN,
            )
            user.set_password(PASSWORD)
            user.save()
            Role.objects.create(user=user, kind=kind, department=dept)
        self.stdout.write(f"Local accounts (password {PASSWORD!r}): {', '.join(u[0] for u in USERS)}")
