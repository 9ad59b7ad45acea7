"""Service tokens in the admin site: made with a name, the token shown once, revoked, never edited."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from api.models import ServiceToken


@admin.register(ServiceToken)
class ServiceTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    fields = ["name"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: ServiceToken | None = None):
        return ["name"] if obj is None else ["name", *self.readonly_fields]

    def get_readonly_fields(self, request: HttpRequest, obj: ServiceToken | None = None):
        # Only the name is asked for; a token once made is changed only by revoking it.
        return [] if obj is None else ["name", *self.readonly_fields]

    def save_model(self, request: HttpRequest, obj: ServiceToken, form, change: bool) -> None:
        if change:
            return
        token = ServiceToken.new_secret()
        obj.set_secret(token)
        obj.created_by = request.user  # type: ignore[assignment]  # the admin site is for signed-in users only
        obj.save()
        messages.warning(
            request,
            f"The token for {obj.name} is {token} — copy it now: it is stored only as a digest and will not be "
            "shown again. Programs send it as the header 'Authorization: Bearer <token>'.",
        )

    @admin.action(description="Revoke the selected tokens (they stop working at once)")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ServiceToken]) -> None:
        for item in queryset.filter(revoked_at__isnull=True):
            item.revoke()
        self.message_user(request, "Revoked.")

    def has_delete_permission(self, request: HttpRequest, obj: ServiceToken | None = None) -> bool:
        return False  # revoked tokens stay listed, with when they were last used
