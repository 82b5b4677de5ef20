from django.urls import path

from facilities import views

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
]
