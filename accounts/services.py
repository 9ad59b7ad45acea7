from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from plans.models import Role


def roles_apply(*, user: User, wanted: set[tuple[str, int | None]]) -> None:
    """Give a directory account exactly the roles `wanted` ((kind, department id) pairs), and the admin site with
    the administrator role. Writes only what changed: a role write moves every council's data version (the page
    cache), and most sign-ins change nothing."""
    with transaction.atomic():
        held = {(role.kind, role.department_id): role.pk for role in Role.objects.filter(user=user)}
        gone = [pk for key, pk in held.items() if key not in wanted]
        if gone:
            Role.objects.filter(pk__in=gone).delete()
        Role.objects.bulk_create(
            [Role(user=user, kind=kind, department_id=department) for kind, department in wanted - held.keys()]
        )
        # An administrator uses the admin site, as grant_role and revoke_role arrange for local accounts.
        admin = any(kind == Role.Kind.ADMIN for kind, _ in wanted)
        if (user.is_staff, user.is_superuser) != (admin, admin):
            user.is_staff = user.is_superuser = admin
            user.save(update_fields=["is_staff", "is_superuser"])
