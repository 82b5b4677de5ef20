from django.urls import path

from outreach import organization_views as views

# Mounted at /staff/organizations/ in the "organizations" namespace by pic/urls.py.
app_name = "organizations"
urlpatterns = [
    path("", views.organization_list, name="list"),
    path("<uuid:public_id>/", views.organization_detail, name="detail"),
    path("<uuid:public_id>/verify/", views.verify, name="verify"),
    path("<uuid:public_id>/merge/", views.merge, name="merge"),
]
