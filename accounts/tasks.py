"""E-mail as background work: enqueued on commit by the services, run by the task backend."""

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from accounts.languages import rendered_language


@task()
def send_templated_email(
    *, to: list[str], template: str, context: dict[str, Any], language: str = "en"
) -> None:
    """Render emails/<template>.subject.txt and .txt in `language` (English when the project
    has no catalogue for it) and send them to `to`."""
    context = {**context, "site_url": settings.PIC_SITE_URL}
    with translation.override(rendered_language(language)):
        subject = " ".join(render_to_string(f"emails/{template}.subject.txt", context).split())
        body = render_to_string(f"emails/{template}.txt", context)
    send_mail(subject, body, None, to, fail_silently=False)
