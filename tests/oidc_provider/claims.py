"""What the test directory says about its users: names, e-mail and groups (the app maps groups to roles), and
two accounts whose ID tokens are wrong on purpose, signed by the provider like any other: "token.elsewhere"
(issued for another service's audience) and "token.expired" (expired ten minutes before it was issued)."""

from __future__ import annotations

import time

from oidc_provider.lib.claims import ScopeClaims


def userinfo(claims, user):
    claims["preferred_username"] = user.username
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    claims["name"] = user.get_full_name()
    claims["email"] = user.email
    return claims


class GroupClaims(ScopeClaims):
    info_groups = ("Groups", "The directory groups you are a member of.")

    def scope_groups(self):
        return {"groups": sorted(self.user.groups.values_list("name", flat=True))}


def id_token_hook(id_token, user, token, request, **kwargs):
    if user.username == "token.elsewhere":
        id_token["aud"] = "another-service"
    elif user.username == "token.expired":
        id_token["exp"] = int(time.time()) - 600
    return id_token
