from django.urls import path

from api.api import api

# The API answers programs, which carry a token rather than a session: the sign-in redirect of REQUIRE_SIGN_IN
# (LoginRequiredMiddleware) would only hide its 401. Access is checked by api.access.ApiAccess instead.
# (No module-level `app_name` here: Django would read it as this URLconf's namespace.)
_patterns, _app, _namespace = api.urls
for _pattern in _patterns:
    _pattern.callback.login_required = False  # type: ignore[union-attr]

urlpatterns = [path("api/v1/", (_patterns, _app, _namespace))]
