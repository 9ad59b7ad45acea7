from plans.management.commands.grant_role import Command as GrantCommand
from plans.models import Role


class Command(GrantCommand):
    help = "Revoke a role granted with grant_role."

    def handle(self, *args, username, role, department, **options):
        fields = self.role_for(username, role, department)
        deleted, _ = Role.objects.filter(**fields).delete()
        if role == Role.Kind.ADMIN:
            # grant_role made them staff and superuser for the admin site: an ex-administrator is neither.
            user = fields["user"]
            user.is_staff = user.is_superuser = False
            user.save(update_fields=["is_staff", "is_superuser"])
        where = f" for {fields['department']}" if fields["department"] else ""
        self.stdout.write(f"{username} {'is no longer' if deleted else 'was not'} {role}{where}")
