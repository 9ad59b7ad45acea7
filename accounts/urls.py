from django.urls import path

from accounts import views

urlpatterns = [
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.sign_out, name="logout"),
    path("oidc/authenticate/", views.DirectorySignIn.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", views.DirectoryCallback.as_view(), name="oidc_authentication_callback"),
]
