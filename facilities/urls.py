from django.urls import path

from facilities import security_views, views

app_name = "facilities"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("<str:code>/", views.facility_detail, name="detail"),
]

# Mounted under /staff/ in the "staff" namespace by pic/urls.py.
staff_patterns = [
    path("facilities/", views.staff_home, name="facilities"),
    path("statewide/", views.statewide, name="statewide"),
    path("facilities/<str:code>/", views.staff_facility, name="facility"),
    path("security/two-step/", security_views.two_step, name="two_step"),
    path(
        "security/two-step/<int:user_id>/reset/",
        security_views.two_step_reset,
        name="two_step_reset",
    ),
    path("security/locks/", security_views.lockouts, name="lockouts"),
    path("security/locks/unlock/", security_views.unlock, name="unlock"),
    path("session/stay/", security_views.stay_signed_in, name="stay_signed_in"),
]
