from __future__ import annotations

from django.contrib import admin

from accounts.models import DirectoryAccount, GroupRole, SignInEvent
from plans.admin import ReadOnlyAdmin


@admin.register(GroupRole)
class GroupRoleAdmin(admin.ModelAdmin):
    """The directory mapping: which directory group gives which role (applied at each directory sign-in)."""

    list_display = ["group", "kind", "department"]
    list_filter = ["kind", "department"]
    search_fields = ["group"]


@admin.register(DirectoryAccount)
class DirectoryAccountAdmin(admin.ModelAdmin):
    list_display = ["user", "subject", "issuer"]
    search_fields = ["user__username", "subject"]
    readonly_fields = ["user", "issuer", "subject"]

    def has_add_permission(self, request):
        return False  # made at the first directory sign-in


@admin.register(SignInEvent)
class SignInEventAdmin(ReadOnlyAdmin):
    """The sign-in audit: listed and searched, never added, edited or deleted here."""

    list_display = ["at", "kind", "username", "address", "method", "detail"]
    list_filter = ["kind", "method"]
    search_fields = ["username", "address"]
    date_hierarchy = "at"
