from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator

from accounts.forms import StaffAuthenticationForm


@method_decorator(login_not_required, name="dispatch")
class StaffLoginView(auth_views.LoginView):
    template_name = "accounts/staff_login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = False


staff_login = StaffLoginView.as_view()
staff_logout = login_not_required(auth_views.LogoutView.as_view())
