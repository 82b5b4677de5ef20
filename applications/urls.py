from django.urls import path

from applications.views import files, portal, signin, steps

app_name = "applications"
urlpatterns = [
    path("", portal.home, name="home"),
    path("sign-in/", signin.sign_in, name="sign_in"),
    path("sign-in/sent/", signin.sign_in_sent, name="sign_in_sent"),
    path("sign-in/<str:token>/", signin.sign_in_confirm, name="sign_in_confirm"),
    path("sign-out/", signin.sign_out, name="sign_out"),
    path("apply/", portal.apply, name="apply"),
    path("applications/<uuid:public_id>/", portal.detail, name="detail"),
    path("applications/<uuid:public_id>/review/", portal.review, name="review"),
    path("applications/<uuid:public_id>/answer/", portal.answer, name="answer"),
    path("applications/<uuid:public_id>/withdraw/", portal.withdraw, name="withdraw"),
    path("applications/<uuid:public_id>/pdf/", files.application_pdf_view, name="pdf"),
    path(
        "applications/<uuid:public_id>/documents/<uuid:document_id>/",
        files.document_view,
        name="document",
    ),
    path(
        "applications/<uuid:public_id>/documents/<uuid:document_id>/remove/",
        steps.remove_document_view,
        name="remove_document",
    ),
    path("applications/<uuid:public_id>/<slug:slug>/", steps.section, name="section"),
]

form_patterns = [
    path("<str:filename>", files.blank_form, name="blank_form"),
]
