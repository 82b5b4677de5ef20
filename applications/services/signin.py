"""Sign-in by e-mailed link: asking for one, and spending it."""

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import ratelimit, tokens
from accounts.models import User, normalize_email
from accounts.tasks import send_templated_email
from applications.models import (
    Person,
)
from applications.services.errors import SignInRefused
from applications.services.people import person_for_login
from audit.context import current_ip
from audit.services import record

# Sign-in by e-mailed link -------------------------------------------------------------

LINKS_PER_ADDRESS = 5
LINKS_PER_IP = 30
LINK_WINDOW_SECONDS = 15 * 60


def request_sign_in_link(*, email: str, next_url: str, link_base: str) -> None:
    """E-mail a one-time sign-in link to `email`, unless it is a staff account.

    Answers the same whether or not the address is known; rate-limited per address and
    per client address through the (shared) cache.
    """
    email = normalize_email(email)
    ip = current_ip.get() or ""
    if ratelimit.is_limited("sign_in_link_email", email, limit=LINKS_PER_ADDRESS) or (
        ip and ratelimit.is_limited("sign_in_link_ip", ip, limit=LINKS_PER_IP)
    ):
        raise SignInRefused(
            _("Too many sign-in links were asked for. Wait 15 minutes and try again.")
        )
    ratelimit.hit("sign_in_link_email", email, window_seconds=LINK_WINDOW_SECONDS)
    if ip:
        ratelimit.hit("sign_in_link_ip", ip, window_seconds=LINK_WINDOW_SECONDS)
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and (user.has_usable_password() or not user.is_active):
        record(by=None, action="auth.sign_in_link_refused", target=email)
        return
    raw = tokens.issue_token(email=email, next_url=next_url)
    person = Person.objects.filter(email__iexact=email).order_by("-pk").first()
    language = person.preferred_language if person else (translation.get_language() or "en")
    transaction.on_commit(
        lambda: send_templated_email.enqueue(
            to=[email],
            template="sign_in_link",
            context={"link": f"{link_base}{raw}/"},
            language=language[:2],
        )
    )


@transaction.atomic
def sign_in_with_token(*, raw: str, language: str = "") -> tuple[User, str, str]:
    """Spend a sign-in link: the applicant login for its address (made on first use), where
    to go next, and the person's preferred language (a new person prefers `language`, the
    one they are reading). Refused for staff accounts, which sign in only with their
    password."""
    token = tokens.redeem_token(raw)
    if token is None:
        raise SignInRefused(
            _("This sign-in link has expired or was already used. Ask for a new one.")
        )
    user = User.objects.filter(email__iexact=token.email).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email=token.email)
        except IntegrityError:  # the same address signed in twice at once
            user = User.objects.get(email__iexact=token.email)
    if user.has_usable_password() or not user.is_active:
        record(by=None, action="auth.sign_in_link_refused", target=token.email)
        raise SignInRefused(
            _("This account cannot sign in with an e-mailed link. Staff use the staff sign-in.")
        )
    person = person_for_login(user=user, language=language)
    return user, token.next_url, person.preferred_language
