"""The applicant's sign-in by e-mailed link under /account/sign-in/, and who reaches /account/."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import SignInToken, User
from applications.models import Person
from applications.services import LINKS_PER_ADDRESS, LINKS_PER_IP
from audit.models import AuditEvent
from tests.applications.helpers import link_path, log_in, page, request_link, sign_in_by_link
from tests.factories import StaffUserFactory, UserFactory, applicant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

SIGN_IN = "/account/sign-in/"
SENT = "/account/sign-in/sent/"
TOO_MANY = "Too many sign-in links were asked for"
CANNOT_BE_USED = "This link cannot be used"


def signed_in_user(client: Client) -> User | None:
    pk = client.session.get(SESSION_KEY)
    return User.objects.get(pk=pk) if pk else None


def test_the_sign_in_page_is_public(client: Client) -> None:
    response = client.get(SIGN_IN)

    assert response.status_code == 200
    assert 'name="email"' in page(response)


def test_the_page_answers_the_same_for_known_and_unknown_addresses(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    known = applicant(email="known@example.org")

    answer_known = request_link(client, known.email, django_capture_on_commit_callbacks)
    answer_unknown = request_link(client, "nobody@example.org", django_capture_on_commit_callbacks)

    assert answer_known.status_code == answer_unknown.status_code == 302
    assert answer_known.url == answer_unknown.url == SENT
    assert [m.to for m in mail.outbox] == [["known@example.org"], ["nobody@example.org"]]
    assert mail.outbox[0].subject == "Your PIC Portal sign-in link"
    assert "If the address can be used to sign in here" in page(client.get(SENT))


@pytest.mark.parametrize("typed", ["iac@doc.example.org", "  IAC@Doc.Example.org "])
def test_no_link_is_ever_sent_to_a_staff_account(
    client: Client, django_capture_on_commit_callbacks, typed: str
) -> None:
    StaffUserFactory.create(email="iac@doc.example.org")

    response = request_link(client, typed, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response.url == SENT  # the same answer as for anyone else
    assert mail.outbox == []
    assert not SignInToken.objects.exists()
    assert AuditEvent.objects.filter(action="auth.sign_in_link_refused").count() == 1


def test_no_link_is_sent_to_a_deactivated_applicant(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    UserFactory.create(email="gone@example.org", is_active=False)

    response = request_link(client, "gone@example.org", django_capture_on_commit_callbacks)

    assert response.url == SENT
    assert mail.outbox == []


def test_an_invalid_address_is_refused_with_a_message(client: Client) -> None:
    response = client.post(SIGN_IN, {"email": "not an address"})

    assert response.status_code == 200
    assert "Enter a valid email address." in page(response)
    assert 'value="not an address"' in page(response)


def test_only_the_hash_of_the_token_is_stored(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    request_link(client, "new@example.org", django_capture_on_commit_callbacks)
    raw = link_path(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    token = SignInToken.objects.get()

    assert token.email == "new@example.org"
    assert raw not in token.token_hash
    assert len(token.token_hash) == 64
    assert timedelta(minutes=14) < token.expires_at - timezone.now() <= timedelta(minutes=15)


def test_the_confirm_page_get_spends_nothing_the_post_does(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    request_link(client, "new@example.org", django_capture_on_commit_callbacks)
    path = link_path(mail.outbox[0])

    for _ in range(2):  # a mail scanner, then the person
        response = client.get(path)
        assert response.status_code == 200
        assert "Press the button to finish signing in" in page(response)
    assert signed_in_user(client) is None
    assert SignInToken.objects.get().used_at is None

    response = client.post(path)
    assert response.status_code == 302
    assert signed_in_user(client) is not None
    assert SignInToken.objects.get().used_at is not None

    # Used: the GET and a second POST say so, with a way to ask for another.
    again = Client()
    for response in (again.get(path), again.post(path)):
        assert response.status_code == 410
        assert CANNOT_BE_USED in page(response)
        assert reverse("applications:sign_in") in page(response)
    assert signed_in_user(again) is None


def test_an_unknown_token_cannot_be_used(client: Client) -> None:
    for response in (
        client.get(f"{SIGN_IN}made-up-token/"),
        client.post(f"{SIGN_IN}made-up-token/"),
    ):
        assert response.status_code == 410
        assert CANNOT_BE_USED in page(response)
    assert signed_in_user(client) is None


@pytest.mark.parametrize(
    ("later", "usable"),
    [
        (timedelta(minutes=14, seconds=59), True),
        (timedelta(minutes=15), False),
        (timedelta(minutes=15, seconds=1), False),
        (timedelta(days=1), False),
    ],
)
def test_a_link_works_for_15_minutes(
    client: Client,
    django_capture_on_commit_callbacks,
    monkeypatch: pytest.MonkeyPatch,
    later: timedelta,
    usable: bool,
) -> None:
    request_link(client, "new@example.org", django_capture_on_commit_callbacks)
    path = link_path(mail.outbox[0])
    issued = SignInToken.objects.get().expires_at - timedelta(minutes=15)
    monkeypatch.setattr(timezone, "now", lambda: issued + later)

    got, posted = client.get(path), client.post(path)

    if usable:
        assert got.status_code == 200
        assert posted.status_code == 302
        assert signed_in_user(client) is not None
    else:
        assert got.status_code == posted.status_code == 410
        assert "expired or was already used" in page(posted)
        assert signed_in_user(client) is None


def test_each_link_is_its_own_and_both_work_once(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    request_link(client, "new@example.org", django_capture_on_commit_callbacks)
    request_link(client, "new@example.org", django_capture_on_commit_callbacks)
    first, second = (link_path(m) for m in mail.outbox)

    assert first != second
    assert Client().post(first).status_code == 302
    assert Client().post(second).status_code == 302
    assert Client().post(first).status_code == 410
    assert User.objects.filter(email="new@example.org").count() == 1
    assert Person.objects.filter(email="new@example.org").count() == 1


def test_links_are_limited_per_address(client: Client, django_capture_on_commit_callbacks) -> None:
    for number in range(LINKS_PER_ADDRESS):
        # The same address, however it is typed.
        typed = "Busy@Example.org" if number % 2 else "busy@example.org "
        assert request_link(client, typed, django_capture_on_commit_callbacks).status_code == 302

    response = request_link(client, "busy@example.org", django_capture_on_commit_callbacks)

    assert LINKS_PER_ADDRESS == 5
    assert response.status_code == 200
    assert TOO_MANY in page(response)
    assert 'value="busy@example.org"' in page(response)  # what was typed stays
    assert len(mail.outbox) == LINKS_PER_ADDRESS
    # Another address is not held back.
    assert request_link(client, "other@example.org", django_capture_on_commit_callbacks).url == SENT
    assert len(mail.outbox) == LINKS_PER_ADDRESS + 1


def test_links_are_limited_per_client_address(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    for number in range(LINKS_PER_IP):
        response = request_link(
            client,
            f"p{number}@example.org",
            django_capture_on_commit_callbacks,
            REMOTE_ADDR="203.0.113.7",
        )
        assert response.status_code == 302

    refused = request_link(
        client,
        "one.more@example.org",
        django_capture_on_commit_callbacks,
        REMOTE_ADDR="203.0.113.7",
    )
    elsewhere = request_link(
        client,
        "one.more@example.org",
        django_capture_on_commit_callbacks,
        REMOTE_ADDR="198.51.100.2",
    )

    assert refused.status_code == 200
    assert TOO_MANY in page(refused)
    assert elsewhere.status_code == 302
    assert len(mail.outbox) == LINKS_PER_IP + 1


def test_the_link_signs_in_a_new_applicant(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    sign_in_by_link(client, "New.Person@Example.org", django_capture_on_commit_callbacks)

    user = signed_in_user(client)
    assert user is not None
    assert user.email == "new.person@example.org"
    assert not user.has_usable_password()
    assert not user.is_staff
    person = Person.objects.get(user=user)
    assert person.email == "new.person@example.org"
    assert client.get("/account/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.sign_in", actor_id=str(user.pk)).exists()


def test_signing_in_again_reuses_the_login_and_the_person(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    person = applicant(email="back@example.org")

    sign_in_by_link(client, "back@example.org", django_capture_on_commit_callbacks)

    assert signed_in_user(client) == person.user
    assert Person.objects.filter(email="back@example.org").count() == 1
    assert User.objects.count() == 1


def test_a_first_sign_in_links_the_paper_applicant_with_that_address(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    paper = Person.objects.create(first_name="Ruth", last_name="Paper", email="ruth@example.org")
    other = Person.objects.create(first_name="Sam", last_name="Paper", email="sam@example.org")

    sign_in_by_link(client, "ruth@example.org", django_capture_on_commit_callbacks)

    user = signed_in_user(client)
    paper.refresh_from_db()
    other.refresh_from_db()
    assert paper.user == user
    assert other.user is None
    assert Person.objects.count() == 2
    assert AuditEvent.objects.filter(action="applications.login_linked_to_person").count() == 1


def test_a_paper_applicant_already_linked_is_not_taken_over(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    linked = applicant(email="taken@example.org")

    sign_in_by_link(client, "taken@example.org", django_capture_on_commit_callbacks)

    assert signed_in_user(client) == linked.user
    assert Person.objects.count() == 1


def test_a_link_for_an_account_that_became_staff_is_refused(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    request_link(client, "became.staff@example.org", django_capture_on_commit_callbacks)
    user = User.objects.create_user(email="became.staff@example.org", password="a-long-password-1")

    response = client.post(link_path(mail.outbox[0]))

    assert response.status_code == 410
    assert "Staff use the staff sign-in" in page(response)
    assert signed_in_user(client) is None
    assert not Person.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/account/apply/?facility=ACC", "/account/apply/?facility=ACC"),
        ("http://testserver/account/apply/", "http://testserver/account/apply/"),
        ("https://evil.example/steal", "/account/"),
        ("//evil.example/steal", "/account/"),
        ("http://evil.example/account/", "/account/"),
        ("javascript:alert(1)", "/account/"),
        ("", "/account/"),
    ],
)
def test_next_is_honoured_only_on_this_host(
    client: Client, django_capture_on_commit_callbacks, next_url: str, lands_on: str
) -> None:
    form = client.get(SIGN_IN, {"next": next_url})
    assert form.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGN_IN, {"email": "new@example.org", "next": next_url})

    response = client.post(link_path(mail.outbox[0]))

    assert response.status_code == 302
    assert response.url == lands_on


@pytest.mark.parametrize(
    "path", ["/account/", "/account/apply/", "/account/apply/?facility=ACC&kind=volunteer"]
)
def test_signed_out_visitors_to_account_pages_go_to_the_link_sign_in(
    client: Client, path: str
) -> None:
    from urllib.parse import quote

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == f"{SIGN_IN}?next={quote(path, safe='/')}"


def test_signed_out_visitors_to_an_application_go_to_the_link_sign_in(
    client: Client, facility
) -> None:
    from tests.factories import draft_application

    application = draft_application(facility=facility, complete=False)
    path = f"/account/applications/{application.public_id}/"

    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith(f"{SIGN_IN}?next=")
    assert str(application.public_id) in response.url


@pytest.mark.parametrize("path", ["/account/", "/account/apply/"])
def test_a_staff_account_gets_403_on_applicant_pages(client: Client, iac: User, path: str) -> None:
    client.force_login(iac)

    assert client.get(path).status_code == 403


def test_anonymous_visitors_to_staff_pages_go_to_the_staff_sign_in(client: Client) -> None:
    response = client.get("/staff/")

    assert response.status_code == 302
    assert response.url.startswith("/staff/login/")
    assert not response.url.startswith(SIGN_IN)


def test_a_signed_in_applicant_gets_403_on_staff_pages(client: Client) -> None:
    log_in(client, applicant())

    assert client.get("/staff/").status_code == 403


def test_sign_out(client: Client) -> None:
    log_in(client, applicant())

    response = client.post("/account/sign-out/")

    assert response.status_code == 302
    assert signed_in_user(client) is None
    assert client.get("/account/").status_code == 302
