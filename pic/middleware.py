from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.views.defaults import page_not_found


class RejectNulMiddleware:
    """No address holds a NUL character: answer 404 before it reaches a query (PostgreSQL
    refuses NUL in text and would make it a 500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            return page_not_found(request, Http404("No such page."))
        return self.get_response(request)
