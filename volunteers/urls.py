from django.urls import path

from volunteers.views import (
    access,
    agreements,
    clearance,
    hours,
    kiosk,
    lifecycle,
    roster,
    sessions,
)

# Mounted under /staff/ in the "volunteers" namespace by pic/urls.py: the staff pages of
# a person's standing after approval keep their /staff/ paths.
app_name = "volunteers"
urlpatterns = [
    path("facilities/<str:code>/roster/", roster.roster, name="roster"),
    path("facilities/<str:code>/roster.csv", roster.roster_csv, name="roster_csv"),
    path("facilities/<str:code>/access/<int:grant_id>/", access.access_detail, name="access"),
    path(
        "facilities/<str:code>/access/<int:grant_id>/trainings/",
        access.record_completion,
        name="access_completion",
    ),
    path(
        "facilities/<str:code>/access/<int:grant_id>/tb-test/",
        access.record_tb_test,
        name="access_tb_test",
    ),
    path("facilities/<str:code>/access/<int:grant_id>/enrol/", access.enrol, name="access_enrol"),
    path(
        "facilities/<str:code>/access/<int:grant_id>/activate/",
        access.activate,
        name="access_activate",
    ),
    path(
        "facilities/<str:code>/access/<int:grant_id>/upgrade/",
        access.upgrade,
        name="access_upgrade",
    ),
    path(
        "facilities/<str:code>/access/<int:grant_id>/tb-tests/<int:test_id>/scan/",
        access.tb_scan,
        name="access_tb_scan",
    ),
    path(
        "facilities/<str:code>/access/<int:grant_id>/approval-letter.pdf",
        access.approval_letter,
        name="access_letter",
    ),
    path(
        "facilities/<str:code>/access/<int:grant_id>/badge.pdf",
        access.badge_sheet,
        name="access_badge",
    ),
    path("facilities/<str:code>/roster/bulk/", lifecycle.bulk, name="roster_bulk"),
    *[
        path(
            f"facilities/<str:code>/access/<int:grant_id>/{slug}/",
            view,
            name=f"access_{slug.replace('-', '_')}",
        )
        for slug, view in [
            ("suspend", lifecycle.suspend),
            ("restore", lifecycle.restore),
            ("end", lifecycle.end),
            ("revoke", lifecycle.revoke),
            ("renew", lifecycle.renew),
            ("level", lifecycle.change_level),
            ("recheck", lifecycle.recheck),
        ]
    ],
    path(
        "facilities/<str:code>/access/<int:grant_id>/checks/<int:check_id>/rerun/",
        lifecycle.rerun,
        name="access_check_rerun",
    ),
    path(
        "facilities/<str:code>/access/<int:grant_id>/checks/<int:check_id>/void/",
        lifecycle.void,
        name="access_check_void",
    ),
    path("facilities/<str:code>/sessions/", sessions.facility_sessions, name="sessions"),
    path(
        "facilities/<str:code>/sessions/<int:session_id>/",
        sessions.facility_session,
        name="session",
    ),
    path(
        "facilities/<str:code>/sessions/<int:session_id>/enrolments/<int:enrollment_id>/remove/",
        sessions.cancel_enrolment,
        name="cancel_enrolment",
    ),
    path("facilities/<str:code>/hours/", hours.hours_queue, name="hours_queue"),
    path("facilities/<str:code>/hours/decide/", hours.hours_decide, name="hours_decide"),
    path("facilities/<str:code>/hours/new/", hours.hours_enter, name="hours_enter"),
    path("facilities/<str:code>/hours/import/", hours.hours_import_sheet, name="hours_import"),
    path(
        "facilities/<str:code>/hours/import/template.csv",
        hours.hours_import_template,
        name="hours_import_template",
    ),
    path("facilities/<str:code>/hours/totals/", hours.hours_totals, name="hours_totals"),
    path("facilities/<str:code>/kiosk/", kiosk.kiosk_page, name="kiosk"),
    path("facilities/<str:code>/kiosk/enrol/", kiosk.enrol, name="kiosk_enrol"),
    path(
        "facilities/<str:code>/kiosk/devices/<int:device_id>/revoke/",
        kiosk.revoke,
        name="kiosk_revoke",
    ),
    path("facilities/<str:code>/kiosk/visits/<int:visit_id>/fix/", kiosk.fix, name="kiosk_fix"),
    path("facilities/<str:code>/clearance/", clearance.clearance, name="clearance"),
    path("facilities/<str:code>/clearance.pdf", clearance.clearance_pdf, name="clearance_pdf"),
    path("facilities/<str:code>/clearance.csv", clearance.clearance_csv, name="clearance_csv"),
    path(
        "facilities/<str:code>/access/<int:grant_id>/agreements/",
        agreements.grant_agreements,
        name="access_agreements",
    ),
    path(
        "facilities/<str:code>/access/<int:grant_id>/agreements/paper/",
        agreements.record_paper,
        name="access_agreement_paper",
    ),
    path(
        "facilities/<str:code>/access/<int:grant_id>/agreements/<int:signature_id>.pdf",
        agreements.signature_pdf,
        name="access_agreement_pdf",
    ),
    path(
        "facilities/<str:code>/access/<int:grant_id>/agreements/<int:signature_id>/scan/",
        agreements.signature_scan,
        name="access_agreement_scan",
    ),
    path("agreements/", agreements.versions, name="agreements"),
    path("agreements/publish/", agreements.publish, name="agreement_publish"),
    path("sessions/", sessions.statewide_sessions, name="statewide_sessions"),
    path("sessions/<int:session_id>/", sessions.statewide_session, name="statewide_session"),
]
