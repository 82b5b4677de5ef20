from django.urls import path

from outreach import visit_views as views

# Public: mounted at /visits/ by pic/urls.py.
app_name = "visits"
urlpatterns = [
    path("request/<str:code>/", views.request_visit, name="request"),
    path("<str:token>/", views.status, name="status"),
    path("<str:token>/apply/", views.start_application, name="apply"),
]

# Mounted under /staff/ in the "visits_staff" namespace by pic/urls.py.
staff_patterns = [
    path("facilities/<str:code>/visits/", views.inbox, name="inbox"),
    path("facilities/<str:code>/visits/<int:pk>/schedule/", views.schedule, name="schedule"),
    path("facilities/<str:code>/visits/<int:pk>/decline/", views.decline, name="decline"),
    path("facilities/<str:code>/visits/visit/<int:pk>/record/", views.record, name="record"),
    path(
        "applications/<str:reference>/visits/",
        views.application_visits,
        name="application_visits",
    ),
]
