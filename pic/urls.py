from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.urls import staff_patterns as account_staff_patterns
from applications.urls import form_patterns
from facilities.urls import staff_patterns as facility_staff_patterns
from outreach import messages_urls, recognition_urls
from outreach.visit_urls import staff_patterns as visit_staff_patterns
from pic import views
from screening.urls import staff_patterns as screening_staff_patterns

admin.site.site_header = "PIC Portal administration"
admin.site.site_title = "PIC Portal admin"

staff_patterns = [*account_staff_patterns, *facility_staff_patterns, *screening_staff_patterns]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("language/", views.set_language, name="set_language"),
    path("facilities/", include("facilities.urls")),
    path("account/", include("applications.urls")),
    path("account/", include("volunteers.portal_urls")),
    path("forms/", include((form_patterns, "forms"))),
    path("organizations/", include("partners.urls")),
    path("visits/", include("outreach.visit_urls")),
    path("staff/reports/", include("reports.urls")),
    path("staff/", include((staff_patterns, "staff"))),
    path("staff/", include("volunteers.urls")),
    path("kiosk/", include("volunteers.kiosk_urls")),
    path("staff/", include((visit_staff_patterns, "visits_staff"))),
    path("staff/organizations/", include("outreach.organization_urls")),
    path("staff/", include(messages_urls.staff_patterns)),
    path("account/", include((messages_urls.portal_patterns, "outreach_portal"))),
    path("staff/", include(recognition_urls.staff_patterns)),
    path("account/", include(recognition_urls.portal_patterns)),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from accounts.outbox import outbox

    urlpatterns.append(path("dev/outbox/", outbox, name="dev_outbox"))
