from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="overview"),
    path("audit/", views.audit_log, name="audit"),
    path("audit.csv", views.audit_csv, name="audit_csv"),
    path("<slug:page>/", views.report, name="page"),
    path("<slug:page>/<slug:table>.csv", views.report_csv, name="csv"),
]
