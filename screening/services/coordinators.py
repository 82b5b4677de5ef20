"""Coordinator accounts: assign at a facility, creating the account if needed."""

import secrets
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import User, normalize_email
from accounts.tasks import send_templated_email
from audit.services import record
from facilities.models import Facility
from facilities.services import assign_coordinator
from screening.services.errors import ScreeningError

# Coordinators ---------------------------------------------------------------------------


@transaction.atomic
def add_coordinator(
    *,
    by: Any,
    facility: Facility,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    is_listed: bool = False,
    public_title: str = "",
    public_phone: str = "",
    public_email: str = "",
    set_password_base: str = "",
) -> User:
    """Give a role at `facility`, creating the staff account if needed and e-mailing it a
    one-time link to set its password (Django's password-reset tokens)."""
    email = normalize_email(email)
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = User(email=email, first_name=first_name, last_name=last_name)
        # Usable, random and known to nobody: the e-mailed link sets the real one.
        user.set_password(secrets.token_urlsafe(40))
        user.save()
        record(by=by, action="accounts.staff_account_created", target=user, facility=facility)
    elif not user.has_usable_password():
        raise ScreeningError(
            _("This address belongs to an applicant's account; use a work address instead.")
        )
    assign_coordinator(
        by=by,
        user=user,
        facility=facility,
        role=role,
        is_listed=is_listed,
        public_title=public_title,
        public_phone=public_phone,
        public_email=public_email,
    )
    if created:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        path = reverse("staff:password_set", args=[uid, token])
        transaction.on_commit(
            lambda: send_templated_email.enqueue(
                to=[user.email],
                template="coordinator_welcome",
                context={"facility": facility.name, "role": role, "path": path},
            )
        )
    return user
