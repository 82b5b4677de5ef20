"""URLs of recognition: staff pages under /staff/ ("recognition") and the volunteer's under
/account/ ("recognition_portal")."""

from django.urls import path

from outreach import recognition_views as views

staff_patterns = (
    [
        path("facilities/<str:code>/certificates/", views.certificates, name="certificates"),
        path(
            "facilities/<str:code>/certificates/<int:job_id>/",
            views.certificate_job,
            name="certificate_job",
        ),
        path(
            "facilities/<str:code>/certificates/<int:job_id>/certificates.pdf",
            views.certificate_download,
            name="certificate_download",
        ),
        path("facilities/<str:code>/milestones/", views.milestones, name="milestones"),
        path("certificates/", views.statewide_certificates, name="statewide_certificates"),
        path("certificates/<int:job_id>/", views.statewide_job, name="statewide_job"),
        path(
            "certificates/<int:job_id>/certificates.pdf",
            views.statewide_download,
            name="statewide_download",
        ),
    ],
    "recognition",
)
portal_patterns = (
    [
        path("recognition/", views.my_recognition, name="recognition"),
        path(
            "recognition/<int:grant_id>/certificate.pdf", views.my_certificate, name="certificate"
        ),
    ],
    "recognition_portal",
)
