from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import GroupRole
from plans.models import Department, Role


class Command(BaseCommand):
    help = (
        "Map a directory group to a role (the same mapping administrators edit on the admin site, "
        "Accounts and sign-in > Directory group mappings). Applied at each member's next directory sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("group", help="the group as the directory sends it in the groups claim")
        parser.add_argument("role", choices=[kind.value for kind in Role.Kind])
        parser.add_argument("--department", help="department slug, for roles held per department")
        parser.add_argument("--remove", action="store_true", help="remove the mapping instead")

    def handle(self, *args, group: str, role: str, department: str | None, remove: bool, **options):
        dept = None
        if department:
            dept = Department.objects.filter(slug=department).first()
            if dept is None:
                raise CommandError(f"No department {department!r}: load the plans first, or check the slug")
        line = GroupRole(group=group, kind=role, department=dept)
        if remove:
            deleted, _ = GroupRole.objects.filter(group=group, kind=role, department=dept).delete()
            if not deleted:
                raise CommandError(f"{line} is not mapped")
            self.stdout.write(f"Removed: {line}")
            return
        try:
            line.full_clean(validate_constraints=False)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        _, created = GroupRole.objects.get_or_create(group=group, kind=role, department=dept)
        self.stdout.write(f"{'Mapped' if created else 'Already mapped'}: {line}")
