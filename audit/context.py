"""The client address of the request being served, for audit rows written deep in services."""

from contextvars import ContextVar

from django.http import HttpRequest

current_ip: ContextVar[str | None] = ContextVar("audit_current_ip", default=None)


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: a proxy's X-Forwarded-For can be forged unless the proxy is trusted,
    # and behind one the deployment sets REMOTE_ADDR from it (gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR") or None
