"""Signing in through the council's OpenID Connect directory (Entra ID or any other), on mozilla-django-oidc.

The provider is named by one setting, OIDC_ISSUER; its endpoints are read from the issuer's
/.well-known/openid-configuration on first use and kept for the life of the process (an endpoint set explicitly
in the environment wins). Nothing here touches the network when the app starts or when someone signs in with a
password, so a provider that is down stops only directory sign-in, and says so."""

from __future__ import annotations

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.models import DirectoryAccount, GroupRole
from accounts.services import roles_apply

logger = logging.getLogger(__name__)

# Explicit endpoint settings (from the environment) and the discovery document's names for them.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}
_discovered: dict[str, dict[str, Any]] = {}


class ProviderUnavailable(Exception):
    """The directory did not answer, or answered with something that is not its configuration."""


class SignInRefused(Exception):
    """The directory answered, but this sign-in must not go ahead: the message says why, for the person signing in;
    `username` is who the directory said they are, when it got that far (for the audit)."""

    def __init__(self, message: str, username: str = "") -> None:
        super().__init__(message)
        self.username = username


def issuer() -> str:
    return settings.OIDC_ISSUER.rstrip("/")


def discovered(name: str) -> dict[str, Any]:
    """The discovery document if it has been fetched already (never fetches)."""
    return _discovered.get(name, {})


def provider_configuration() -> dict[str, Any]:
    """The issuer's discovery document, fetched once per process (a failure is not kept: the next try asks again)."""
    name = issuer()
    if name not in _discovered:
        url = f"{name}/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            logger.warning("OpenID provider configuration unavailable at %s: %s", url, exc)
            raise ProviderUnavailable(name) from exc
        # A document naming another issuer would have us trust tokens signed for someone else.
        if not isinstance(document, dict) or str(document.get("issuer", "")).rstrip("/") != name:
            raise ProviderUnavailable(name)
        _discovered[name] = document
    return _discovered[name]


def endpoint(setting: str) -> str:
    explicit = getattr(settings, setting, "")
    if explicit:
        return explicit
    value = provider_configuration().get(ENDPOINTS[setting], "")
    if not value and setting != "OIDC_OP_LOGOUT_ENDPOINT":
        raise ProviderUnavailable(issuer())
    return value


def group_names(claims: dict[str, Any]) -> list[str]:
    groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    return [str(group) for group in groups]


class DirectoryBackend(OIDCAuthenticationBackend):
    """The directory's users: found by their subject identifier, created on first sign-in, their roles set from
    their groups through the mapping (GroupRole) at every sign-in."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # mozilla-django-oidc reads every endpoint here, and Django makes a backend for every sign-in, a password
        # one too: the endpoints are read in authenticate instead, only for a directory sign-in.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if not settings.OIDC_ISSUER or request is None or "password" in kwargs:
            return None
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.OIDC_OP_TOKEN_ENDPOINT = endpoint("OIDC_OP_TOKEN_ENDPOINT")
        self.OIDC_OP_USER_ENDPOINT = endpoint("OIDC_OP_USER_ENDPOINT")
        self.OIDC_OP_JWKS_ENDPOINT = endpoint("OIDC_OP_JWKS_ENDPOINT")
        return super().authenticate(request, **kwargs)

    def get_payload_data(self, token, key):
        """The ID token's claims, once its signature, audience, issuer and lifetime check out (the library checks
        the signature only)."""
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=issuer(),
                options={"require": ["exp", "iat", "aud", "iss", "sub"]},
                leeway=settings.OIDC_CLOCK_LEEWAY,
            )
        except jwt.ExpiredSignatureError as exc:
            raise SignInRefused("The sign-in from the council's directory had expired before it reached us.") from exc
        except jwt.InvalidAudienceError as exc:
            raise SignInRefused(
                "The council's directory signed you in to another service, not this one (the token's audience is "
                "wrong). Ask the directory administrators to check this service's client id."
            ) from exc
        except jwt.InvalidIssuerError as exc:
            raise SignInRefused("The sign-in came from another directory than the council's.") from exc
        except jwt.InvalidTokenError as exc:
            raise SignInRefused("The sign-in from the council's directory could not be verified.") from exc

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims and the userinfo endpoint's together: Entra ID sends groups in the token, other
        directories from the endpoint."""
        info = super().get_userinfo(access_token, id_token, payload)
        if info.get("sub") != payload.get("sub"):
            raise SignInRefused("The council's directory described another person than the one it signed in.")
        return {**payload, **info}

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        groups = group_names(claims)
        wanted = {(line.kind, line.department_id) for line in GroupRole.objects.filter(group__in=groups)}
        account = DirectoryAccount.objects.select_related("user").filter(issuer=issuer(), subject=claims["sub"]).first()
        if not wanted:
            # Refused; and a group taken away in the directory takes its roles away here too.
            if account is not None:
                roles_apply(user=account.user, wanted=set())
            raise SignInRefused(
                "Your council account is in no group this service gives a role to, so it cannot sign you in. "
                "Ask an administrator to map one of your directory groups to a role.",
                username=str(claims.get(settings.OIDC_USERNAME_CLAIM) or claims.get("email") or claims["sub"]),
            )
        with transaction.atomic():
            if account is None:
                account = DirectoryAccount.objects.create(
                    user=self._new_user(claims), issuer=issuer(), subject=claims["sub"]
                )
            user = self.update_user(account.user, claims)
            roles_apply(user=user, wanted=wanted)
        return user

    def _new_user(self, claims: dict[str, Any]):
        """A local user for a directory account. The directory's name is used as the username where it is free;
        a local account of the same name is never taken over (it may be the break-glass administrator)."""
        base = str(claims.get(settings.OIDC_USERNAME_CLAIM) or claims.get("email") or claims["sub"])[:140]
        username, n = base, 1
        while self.UserModel.objects.filter(username__iexact=username).exists():
            n += 1
            username = f"{base}-{n}"
        user = self.UserModel(username=username)
        user.set_unusable_password()  # directory accounts never sign in with a password here
        self._copy_names(user, claims)
        user.save()
        return user

    def update_user(self, user, claims):
        if self._copy_names(user, claims):
            user.save(update_fields=["first_name", "last_name", "email"])
        return user

    @staticmethod
    def _copy_names(user, claims: dict[str, Any]) -> bool:
        names = {
            "first_name": str(claims.get("given_name") or "")[:150],
            "last_name": str(claims.get("family_name") or "")[:150],
            "email": str(claims.get("email") or "")[:254],
        }
        changed = any(getattr(user, field) != value for field, value in names.items())
        for field, value in names.items():
            setattr(user, field, value)
        return changed


class LocalPasswordBackend(ModelBackend):
    """Passwords, for the accounts settings.LOCAL_SIGN_IN_USERS names (None: every account). With single sign-on
    on in production that is the one break-glass administrator; anyone else gets the same answer as a wrong
    password, so the form does not tell which accounts exist."""

    def user_can_authenticate(self, user) -> bool:
        allowed = settings.LOCAL_SIGN_IN_USERS
        return super().user_can_authenticate(user) and (allowed is None or user.username in allowed)
