"""Development only: mail is kept as files under var/outbox and listed at /dev/outbox/."""

import json
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET


def outbox_dir() -> Path:
    return Path(getattr(settings, "PIC_OUTBOX_DIR", settings.BASE_DIR / "var" / "outbox"))


class OutboxBackend(BaseEmailBackend):
    """Write each message to a JSON file (and nowhere else)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = outbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            sent = timezone.now()
            payload = {
                "sent": sent.isoformat(),
                "to": list(message.to),
                "subject": str(message.subject),
                "body": str(message.body),
            }
            name = f"{sent:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:6]}.json"
            (folder / name).write_text(json.dumps(payload, indent=1), encoding="utf-8")
        return len(email_messages)


def _messages(limit: int = 50) -> list[dict[str, Any]]:
    folder = outbox_dir()
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.json"), reverse=True)[:limit]
    return [json.loads(path.read_text(encoding="utf-8")) for path in files]


@login_not_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    if not settings.DEBUG:
        raise Http404("The outbox exists only in development.")
    return render(request, "accounts/outbox.html", {"messages_sent": _messages()})
