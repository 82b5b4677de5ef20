from django.urls import path

from screening.views import (
    actions,
    application,
    coordinators,
    paper,
    people,
    queue,
    reveal,
)

# Mounted under /staff/ in the "staff" namespace by pic/urls.py.
staff_patterns = [
    path("", queue.queue, name="home"),
    path("applications/<str:reference>/", application.application_detail, name="application"),
    path("applications/<str:reference>/pdf/", application.application_pdf, name="application_pdf"),
    path(
        "applications/<str:reference>/documents/<uuid:document_id>/",
        application.application_document,
        name="application_document",
    ),
    path("applications/<str:reference>/review/", actions.start_review, name="start_review"),
    path("applications/<str:reference>/note/", actions.add_note, name="add_note"),
    path(
        "applications/<str:reference>/request-information/",
        actions.request_information,
        name="request_information",
    ),
    path(
        "applications/<str:reference>/answered/",
        actions.answered_another_way,
        name="answered_another_way",
    ),
    path(
        "applications/<str:reference>/steps/<int:step_id>/",
        actions.record_step,
        name="record_step",
    ),
    path(
        "applications/<str:reference>/steps/<int:step_id>/checks/",
        actions.add_check,
        name="add_check",
    ),
    path(
        "applications/<str:reference>/checks/<int:check_id>/rerun/",
        actions.rerun_check,
        name="rerun_check",
    ),
    path(
        "applications/<str:reference>/checks/<int:check_id>/void/",
        actions.void_check,
        name="void_check",
    ),
    path(
        "applications/<str:reference>/steps/<int:step_id>/waive/",
        actions.waive_step,
        name="waive_step",
    ),
    path(
        "applications/<str:reference>/conflicts/<int:relationship_id>/",
        actions.resolve_conflict,
        name="resolve_conflict",
    ),
    path("applications/<str:reference>/reveal/", reveal.reveal, name="reveal_identifier"),
    path("applications/<str:reference>/decline/", actions.decline, name="decline"),
    path("applications/<str:reference>/approve/", actions.approve, name="approve"),
    path(
        "applications/<str:reference>/withdraw/",
        actions.withdraw_on_behalf,
        name="withdraw_on_behalf",
    ),
    path("people/<uuid:public_id>/", people.person_detail, name="person"),
    path("people/<uuid:public_id>/ban/", people.ban, name="ban"),
    path("people/<uuid:public_id>/lift-ban/", people.lift_ban, name="lift_ban"),
    path("people/<uuid:public_id>/merge/<int:flag_id>/", people.merge, name="merge"),
    path(
        "people/<uuid:public_id>/not-duplicate/<int:flag_id>/",
        people.dismiss_duplicate,
        name="dismiss_duplicate",
    ),
    path("facilities/<str:code>/paper/", paper.paper_application, name="paper_application"),
    path("facilities/<str:code>/coordinators/", coordinators.coordinators, name="coordinators"),
    path(
        "facilities/<str:code>/coordinators/<int:membership_id>/remove/",
        coordinators.remove,
        name="remove_coordinator",
    ),
]
