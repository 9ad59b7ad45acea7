"""The two reads every signed-in request makes before anything else (its session, then its user), each as one
plain SQL statement. Django's own versions build the same queries through the ORM, which took longer than
PostgreSQL took to answer them; on a page served from the cache they were most of the request's time
(README, "Performance"). Same rows, same checks: an expired or unknown session is no session, and the user
must still exist and be active (django.contrib.auth then checks the session against their password hash)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone


class SessionStore(db.SessionStore):
    """settings.SESSION_ENGINE = "config.signed_in": Django's database sessions."""

    def _get_session_from_db(self):
        if not self.session_key:
            self._session_key = None
            return None
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT session_data, expire_date FROM {table} WHERE session_key = %s AND expire_date > %s",
                           [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=row[0], expire_date=row[1])


class UserBackend(ModelBackend):
    """settings.AUTHENTICATION_BACKENDS: Django's model backend, with the signed-in user read in one statement."""

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        users = list(User._default_manager.raw(f"SELECT * FROM {connection.ops.quote_name(User._meta.db_table)} "
                                               f"WHERE {connection.ops.quote_name(User._meta.pk.column)} = %s",
                                               [user_id]))
        if not users:
            return None
        return users[0] if self.user_can_authenticate(users[0]) else None
