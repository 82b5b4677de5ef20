"""Staff sign-in at /staff/login/: a password account, by e-mail, slowed after failures."""

import pytest
from django.contrib.auth import SESSION_KEY, authenticate
from django.test import Client

from accounts.models import User
from tests.factories import STAFF_PASSWORD, StaffUserFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

LOGIN = "/staff/login/"
NO_MATCH = "do not match a staff account"


@pytest.fixture
def staff() -> User:
    return StaffUserFactory.create(email="iac.acc@doc.example.org")


def signed_in(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


def test_the_sign_in_page_is_public(client: Client) -> None:
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


@pytest.mark.parametrize("password", ["", "   ", "wrong-password-123", STAFF_PASSWORD.upper()])
def test_sign_in_without_the_right_password_fails(
    client: Client, staff: User, password: str
) -> None:
    response = client.post(LOGIN, {"username": staff.email, "password": password})

    assert response.status_code == 200
    assert signed_in(client) is None
    assert response.context["form"].errors


def test_a_wrong_password_says_so(client: Client, staff: User) -> None:
    response = client.post(LOGIN, {"username": staff.email, "password": "wrong-password-123"})

    assert NO_MATCH in response.content.decode()


def test_sign_in_without_a_password_field_fails(client: Client, staff: User) -> None:
    response = client.post(LOGIN, {"username": staff.email})

    assert response.status_code == 200
    assert signed_in(client) is None


@pytest.mark.parametrize("password", [None, ""])
def test_authenticate_without_a_password_returns_none(staff: User, password: str | None) -> None:
    assert authenticate(email=staff.email, password=password) is None
    assert authenticate(username=staff.email, password=password) is None


def test_authenticate_with_the_password_returns_the_user(staff: User) -> None:
    assert authenticate(email=staff.email, password=STAFF_PASSWORD) == staff
    assert authenticate(username=staff.email.upper(), password=STAFF_PASSWORD) == staff


@pytest.mark.parametrize(
    "password", ["", "!", "anything-at-all", STAFF_PASSWORD], ids=["empty", "bang", "any", "staff"]
)
def test_an_applicant_account_cannot_sign_in_as_staff(client: Client, password: str) -> None:
    applicant = UserFactory.create()
    assert not applicant.has_usable_password()

    response = client.post(LOGIN, {"username": applicant.email, "password": password})

    assert response.status_code == 200
    assert signed_in(client) is None
    assert authenticate(email=applicant.email, password=password) is None


def test_create_user_without_a_password_makes_an_applicant_account() -> None:
    for n, password in enumerate((None, "")):
        user = User.objects.create_user(f"new{n}@example.org", password=password)
        assert not user.has_usable_password()
        assert authenticate(email=user.email, password=password or "") is None


def test_the_right_password_signs_in_and_goes_to_staff_home(client: Client, staff: User) -> None:
    response = client.post(LOGIN, {"username": staff.email, "password": STAFF_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/staff/mfa/?next=%2Fstaff%2F"
    assert signed_in(client) == str(staff.pk)


def test_sign_in_follows_a_local_next(client: Client, staff: User) -> None:
    response = client.post(
        LOGIN,
        {"username": staff.email, "password": STAFF_PASSWORD, "next": "/staff/facilities/ACC/"},
    )

    assert response["Location"] == "/staff/mfa/?next=%2Fstaff%2Ffacilities%2FACC%2F"


def test_sign_in_ignores_a_next_on_another_host(client: Client, staff: User) -> None:
    response = client.post(
        LOGIN,
        {"username": staff.email, "password": STAFF_PASSWORD, "next": "https://evil.example/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/staff/mfa/?next=%2Fstaff%2F"


@pytest.mark.parametrize(
    "typed", ["IAC.ACC@DOC.EXAMPLE.ORG", "Iac.Acc@Doc.Example.Org", "  iac.acc@doc.example.org  "]
)
def test_the_email_address_is_case_insensitive(client: Client, staff: User, typed: str) -> None:
    response = client.post(LOGIN, {"username": typed, "password": STAFF_PASSWORD})

    assert response.status_code == 302
    assert signed_in(client) == str(staff.pk)


def test_an_inactive_staff_account_cannot_sign_in(client: Client, staff: User) -> None:
    staff.is_active = False
    staff.save()

    response = client.post(LOGIN, {"username": staff.email, "password": STAFF_PASSWORD})

    assert response.status_code == 200
    assert signed_in(client) is None


def test_sign_out_ends_the_session(client: Client, staff: User) -> None:
    client.force_login(staff)

    response = client.post("/staff/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in(client) is None
