from django.urls import path

from accounts import views

# Mounted under /staff/ in the "staff" namespace by pic/urls.py.
staff_patterns = [
    path("login/", views.staff_login, name="login"),
    path("logout/", views.staff_logout, name="logout"),
]
