"""URLs of messages to volunteers: staff pages under /staff/ ("outreach_messages") and the
volunteer's copies under /account/ ("outreach_portal")."""

from django.urls import path

from outreach import messages_views as views

staff_patterns = (
    [
        path("facilities/<str:code>/messages/", views.messages, name="messages"),
        path(
            "facilities/<str:code>/messages/<int:message_id>/",
            views.message_detail,
            name="message",
        ),
    ],
    "outreach_messages",
)
portal_patterns = [
    path("messages/", views.my_messages, name="messages"),
    path("messages/<int:recipient_id>/", views.my_message, name="message"),
]
