from django.urls import path

from volunteers.views import access, agreements, clearance, roster, sessions

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
