from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.urls import staff_patterns as account_staff_patterns
from applications.urls import form_patterns
from facilities.urls import staff_patterns as facility_staff_patterns
from outreach import messages_urls, recognition_urls
from outreach.visit_urls import staff_patterns as visit_staff_patterns
from pic import help, views
from screening.urls import staff_patterns as screening_staff_patterns

admin.site.site_header = "PIC Portal administration"
admin.site.site_title = "PIC Portal admin"

staff_patterns = [*account_staff_patterns, *facility_staff_patterns, *screening_staff_patterns]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path(
        "help/",
        include(
            (
                [
                    path("", help.index, name="index"),
                    path("applying/", help.applying, name="applying"),
                ],
                "help",
            )
        ),
    ),
    path(
        "staff/help/",
        include(
            (
                [
                    path("", help.coordinators, name="coordinators"),
                    path("statewide/", help.statewide, name="statewide"),
                ],
                "staff_help",
            )
        ),
    ),
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

if settings.PIC_BENCH:
    urlpatterns.append(path("bench/ceiling/", views.bench_ceiling, name="bench_ceiling"))

if settings.DEBUG:
    from accounts.outbox import outbox

    urlpatterns.append(path("dev/outbox/", outbox, name="dev_outbox"))
