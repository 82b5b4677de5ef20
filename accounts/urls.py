from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path, reverse_lazy

from accounts import views
from accounts.forms import StaffPasswordResetForm

# Mounted under /staff/ in the "staff" namespace by pic/urls.py.
staff_patterns = [
    path("login/", views.staff_login, name="login"),
    path("logout/", views.staff_logout, name="logout"),
    # The second sign-in step (two-step verification), enrolment and backup codes.
    path("mfa/", views.verify, name="mfa"),
    path("mfa/setup/", views.setup, name="mfa_setup"),
    path("mfa/codes/", views.codes, name="mfa_codes"),
    path(
        "password/reset/",
        login_not_required(
            auth_views.PasswordResetView.as_view(
                template_name="accounts/password_reset.html",
                email_template_name="emails/password_reset.txt",
                subject_template_name="emails/password_reset.subject.txt",
                form_class=StaffPasswordResetForm,
                success_url=reverse_lazy("staff:password_reset_sent"),
            )
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        login_not_required(
            auth_views.PasswordResetDoneView.as_view(
                template_name="accounts/password_reset_sent.html"
            )
        ),
        name="password_reset_sent",
    ),
    path(
        "password/set/<uidb64>/<token>/",
        login_not_required(
            auth_views.PasswordResetConfirmView.as_view(
                template_name="accounts/password_set.html",
                success_url=reverse_lazy("staff:password_set_done"),
            )
        ),
        name="password_set",
    ),
    path(
        "password/set/done/",
        login_not_required(
            auth_views.PasswordResetCompleteView.as_view(
                template_name="accounts/password_set_done.html"
            )
        ),
        name="password_set_done",
    ),
]
