from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("company/", views.company_profile, name="company_profile"),
    path("company/freight-rates/", views.freight_rate_set, name="freight_rate_set"),
    path(
        "company/freight-rates/<int:rate_id>/delete/",
        views.freight_rate_delete,
        name="freight_rate_delete",
    ),
    path("language/", views.language_set, name="language_set"),
    path("security/", views.security, name="security"),
    path("security/tokens/<str:token_key>/revoke/", views.token_revoke, name="token_revoke"),
    path("security/logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
]
