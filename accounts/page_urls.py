from django.contrib.auth.views import LogoutView
from django.urls import path

from accounts import password_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.HubLoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("data/", views.account_data, name="data"),
    path("delete/", views.account_delete, name="delete"),
    path("password/", password_views.PasswordChangeView.as_view(), name="password-change"),
    path("password/changed/", password_views.PasswordChangeDoneView.as_view(), name="password-change-done"),
    path("password/reset/", password_views.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/sent/", password_views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "password/reset/<uidb64>/<token>/",
        password_views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("password/reset/done/", password_views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
]
