from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from plans.models import Role


def roles_apply(*, user: User, wanted: set[tuple[str, int | None]]) -> None:
    """Give `user` exactly the roles `wanted` ((kind, department id) pairs). Writes only what changed: a role
    write moves every council's data version (the page cache), and most sign-ins change nothing."""
    with transaction.atomic():
        held = {(role.kind, role.department_id): role.pk for role in Role.objects.filter(user=user)}
        gone = [pk for key, pk in held.items() if key not in wanted]
        if gone:
            Role.objects.filter(pk__in=gone).delete()
        Role.objects.bulk_create(
            [Role(user=user, kind=kind, department_id=department) for kind, department in wanted - held.keys()]
        )
