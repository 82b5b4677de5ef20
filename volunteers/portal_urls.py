from django.urls import path

from volunteers.views import hours, portal, portal_agreements

# Mounted under /account/ (the volunteer's pages that live in volunteers/).
app_name = "volunteers_portal"
urlpatterns = [
    path("access/", portal.my_access, name="access"),
    path("hours/", hours.my_hours, name="hours"),
    path("hours/<int:entry_id>/", hours.edit_my_hours, name="hours_edit"),
    path("hours/<int:entry_id>/delete/", hours.delete_my_hours, name="hours_delete"),
    path(
        "access/<int:grant_id>/approval-letter.pdf",
        portal.my_approval_letter,
        name="approval_letter",
    ),
    path("access/<int:grant_id>/badge.pdf", portal.my_badge_sheet, name="badge"),
    path("sessions/", portal.my_sessions, name="sessions"),
    path("agreements/", portal_agreements.my_agreements, name="agreements"),
    path("agreements/<int:version_id>/", portal_agreements.sign, name="agreement"),
    path(
        "agreements/signed/<int:signature_id>.pdf",
        portal_agreements.signed_pdf,
        name="agreement_pdf",
    ),
    path("sessions/<int:session_id>/sign-up/", portal.sign_up, name="sign_up"),
    path("sessions/<int:session_id>/cancel/", portal.cancel, name="cancel"),
]
