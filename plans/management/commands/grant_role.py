from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from plans.models import Department, Role


class Command(BaseCommand):
    help = "Grant a role: viewer, lead or approver (each with --department), cabinet or admin."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.Kind.values)
        parser.add_argument("--department", help="Department slug (required for lead and approver)")

    def role_for(self, username: str, role: str, department: str | None) -> dict:
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user called {username!r}") from None
        per_department: dict[str, str] = {Role.Kind.LEAD: "A performance lead", Role.Kind.APPROVER: "An approver"}
        if role in per_department and not department:
            raise CommandError(f"{per_department[role]} needs --department")
        if role not in per_department and department:
            raise CommandError(f"The {role} role is for every department; leave out --department")
        dept = None
        if department:
            try:
                dept = Department.objects.get(slug=department)
            except Department.DoesNotExist:
                known = ", ".join(Department.objects.values_list("slug", flat=True))
                raise CommandError(f"No department {department!r} (known: {known})") from None
        return {"user": user, "kind": role, "department": dept}

    def handle(self, *args, username, role, department, **options):
        fields = self.role_for(username, role, department)
        _, created = Role.objects.get_or_create(**fields)
        if role == Role.Kind.ADMIN:
            # Administrators manage users, roles and closed periods on the admin site, which needs staff status.
            user = fields["user"]
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        where = f" for {fields['department']}" if fields["department"] else ""
        self.stdout.write(f"{username} {'is now' if created else 'was already'} {role}{where}")
