from typing import Any

from django.http import HttpRequest

from facilities.access import has_staff_role, is_pic_coordinator


def staff_role(request: HttpRequest) -> dict[str, Any]:
    """Tell the layout which navigation fits the signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_role": "visitor"}
    if is_pic_coordinator(user):
        return {"nav_role": "pic_coordinator"}
    if has_staff_role(user):
        return {"nav_role": "coordinator"}
    if user.has_usable_password():
        return {"nav_role": "staff_without_role"}
    return {"nav_role": "applicant"}
