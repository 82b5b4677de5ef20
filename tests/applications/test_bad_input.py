"""Bad input through the views: a clear message, what was typed kept, never a 500; and
markup typed into an answer is only ever text."""

import html
import re
import uuid
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from applications import age
from applications import sections as S
from applications.forms import MAX_UPLOAD_BYTES
from applications.models import Application, Person, Status
from facilities.models import Facility
from tests.applications.helpers import log_in, page, pdf_text, section_url, url
from tests.factories import applicant, draft_application, valid_answers

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = html.escape(SCRIPT, quote=False)  # &lt;script&gt;alert(1)&lt;/script&gt;
IMG = '<img src="x" onerror="alert(3)">'  # no slash: an uploaded file's name keeps it


@pytest.fixture
def person(client: Client) -> Person:
    person = applicant()
    log_in(client, person)
    return person


@pytest.fixture
def draft(person: Person, facility: Facility) -> Application:
    return draft_application(facility=facility, person=person, complete=False)


def post_identity(client: Client, draft: Application, **changes: str):
    data = {**valid_answers("volunteer")[S.IDENTITY], **changes, "action": "continue"}
    return client.post(section_url(draft, S.IDENTITY), data)


def assert_refused(response, message: str, *typed: str) -> None:
    assert response.status_code == 200
    text = page(response)
    assert "error-summary" in text
    assert message in text
    for value in typed:
        assert value in text, value


def _before(years: int, days: int = 0) -> date:
    today = age.today()
    try:
        born = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        born = date(today.year - years, 3, 1)
    return born - timedelta(days=days)


# Dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["2023-02-30", "2023-13-01", "1990-00-10", "yesterday", "17/05/1980"]
)
def test_an_impossible_date_of_birth(client: Client, draft: Application, typed: str) -> None:
    response = post_identity(client, draft, date_of_birth=typed, first_name="Jordana")

    assert_refused(
        response, "Enter a valid date.", f'value="{html.escape(typed)}"', 'value="Jordana"'
    )
    assert Person.objects.get(pk=draft.person_id).date_of_birth is None


def test_a_date_of_birth_in_the_future(client: Client, draft: Application) -> None:
    tomorrow = (age.today() + timedelta(days=1)).isoformat()

    response = post_identity(client, draft, date_of_birth=tomorrow)

    assert_refused(response, "A date of birth cannot be in the future.", f'value="{tomorrow}"')


def test_a_date_of_birth_more_than_110_years_ago(client: Client, draft: Application) -> None:
    typed = _before(110, days=1).isoformat()

    response = post_identity(client, draft, date_of_birth=typed)

    assert_refused(
        response, "A date of birth more than 110 years ago cannot be right.", f'value="{typed}"'
    )


def test_a_date_of_birth_exactly_110_years_ago_is_accepted(
    client: Client, draft: Application
) -> None:
    response = post_identity(client, draft, date_of_birth=_before(110).isoformat())

    assert response.status_code == 302
    assert Person.objects.get(pk=draft.person_id).date_of_birth == _before(110)


def test_an_impossible_date_in_an_entry(client: Client, draft: Application) -> None:
    from tests.applications.helpers import entries

    row = {"date": "2023-02-30", "place": "Columbia, MO", "offence": "Theft", "disposition": "Fine"}
    data = {"has_record": "yes", "pending_charges": "no", "on_supervision": "no", **entries([row])}

    response = client.post(section_url(draft, S.CRIMINAL_HISTORY), {**data, "action": "continue"})

    assert_refused(response, "Enter a valid date.", 'value="2023-02-30"', 'value="Theft"')
    assert "Entry 1, Date" in page(response)


def test_an_entry_dated_in_the_future(client: Client, draft: Application) -> None:
    from tests.applications.helpers import entries

    later = (age.today() + timedelta(days=3)).isoformat()
    row = {"date": later, "place": "Columbia, MO", "offence": "Theft", "disposition": "Fine"}
    data = {"has_record": "yes", "pending_charges": "no", "on_supervision": "no", **entries([row])}

    response = client.post(section_url(draft, S.CRIMINAL_HISTORY), {**data, "action": "continue"})

    assert_refused(response, "This date is in the future.", f'value="{later}"')


def test_an_internship_that_ends_before_it_starts(
    client: Client, person: Person, facility: Facility
) -> None:
    draft = draft_application(
        facility=facility, person=person, kind="student_intern", complete=False
    )
    data = {**valid_answers("student_intern")[S.ORGANISATION], "term_end": "2026-12-01"}

    response = client.post(section_url(draft, S.ORGANISATION), {**data, "action": "continue"})

    assert_refused(response, "The internship must end after it starts.", 'value="2026-12-01"')


# Phones, e-mail, required answers, lengths --------------------------------------------------


@pytest.mark.parametrize("field", ["phone", "emergency_contact_phone"])
@pytest.mark.parametrize("typed", ["12", "+999 1", "call me"])
def test_a_malformed_phone(client: Client, draft: Application, field: str, typed: str) -> None:
    response = post_identity(client, draft, **{field: typed})

    assert_refused(response, "Enter a valid phone number", f'value="{typed}"')


@pytest.mark.parametrize("typed", ["jordan@", "jordan.example.org", "a b@example.org"])
def test_a_malformed_email(client: Client, draft: Application, typed: str) -> None:
    response = post_identity(client, draft, email=typed)

    assert_refused(response, "Enter a valid email address.", f'value="{typed}"')


@pytest.mark.parametrize(("field", "typed"), [("zip", "6510"), ("state", "Missouri")])
def test_a_malformed_zip_or_state(
    client: Client, draft: Application, field: str, typed: str
) -> None:
    response = post_identity(client, draft, **{field: typed})

    assert response.status_code == 200
    assert f'value="{typed}"' in page(response)
    assert "error-summary" in page(response)


def test_missing_required_answers(client: Client, draft: Application) -> None:
    response = client.post(
        section_url(draft, S.PLACEMENT),
        {"activities": "Tutor GED students", "action": "continue"},
    )

    assert_refused(response, "This field is required.", "Tutor GED students")
    text = page(response)
    for label in ("Program area", "When are you available?", "Access level requested"):
        assert f"{label}: This field is required." in text


def test_an_empty_post_to_every_section_is_answered_with_errors(
    client: Client, draft: Application
) -> None:
    for slug in S.SLUGS:
        if slug in (S.DOCUMENTS, S.ORGANISATION):  # a volunteer's section 3 is all optional
            continue
        response = client.post(section_url(draft, slug), {})
        assert response.status_code == 200, slug
        assert "error-summary" in page(response), slug
        # The summary takes the focus (no script: the CSP allows none inline), so a screen
        # reader or keyboard user lands on it.
        assert 'tabindex="-1" id="error-summary" autofocus' in page(response), slug


def test_overlong_text_is_refused_and_kept(client: Client, draft: Application) -> None:
    name = "J" * 61

    response = post_identity(client, draft, first_name=name)

    assert_refused(
        response, "Ensure this value has at most 60 characters (it has 61).", f'value="{name}"'
    )


def test_an_overlong_long_answer_is_refused_and_kept(client: Client, draft: Application) -> None:
    activities = "Tutoring. " * 201  # 2010 characters

    data = {**valid_answers("volunteer")[S.PLACEMENT], "activities": activities}
    response = client.post(section_url(draft, S.PLACEMENT), {**data, "action": "continue"})

    assert_refused(response, "Ensure this value has at most 2000 characters", activities.strip())


def test_a_signature_that_is_not_the_name_in_section_one(
    client: Client, person: Person, facility: Facility
) -> None:
    draft = draft_application(facility=facility, person=person, complete=False)
    post_identity(client, draft)
    data = {**valid_answers("volunteer")[S.ACKNOWLEDGEMENTS], "signature_name": "Someone Else"}

    response = client.post(section_url(draft, S.ACKNOWLEDGEMENTS), {**data, "action": "continue"})

    assert_refused(
        response,
        (
            "Type your full legal name as in section 1: Jordan Rivera — the middle name or "
            "initial and suffix may be left out."
        ),
        'value="Someone Else"',
    )


# Uploads --------------------------------------------------------------------------------


def upload(
    client: Client, draft: Application, name: str, content: bytes, kind: str = "reference_letter"
):
    return client.post(
        section_url(draft, S.DOCUMENTS),
        {"kind_of_document": kind, "file": SimpleUploadedFile(name, content), "action": "upload"},
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("letter.pdf", b"This is plain text, not a PDF at all."),
        ("letter.pdf", b"GIF89a\x01\x00\x01\x00"),
        ("photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("scan.png", b"<html><script>alert(1)</script></html>"),
        ("empty.pdf", b"%PD"),
    ],
)
def test_an_upload_of_the_wrong_type(
    client: Client, draft: Application, name: str, content: bytes
) -> None:
    response = upload(client, draft, name, content)

    assert_refused(response, "This file is not a PDF, JPEG or PNG (whatever its name says).")
    assert re.search(r'<option value="reference_letter"[^>]*selected', page(response))
    assert "choose it again" in page(response)
    assert not draft.documents.exists()


def test_an_upload_over_10_mb(client: Client, draft: Application) -> None:
    content = b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1 - 5)
    assert len(content) == MAX_UPLOAD_BYTES + 1

    response = upload(client, draft, "big.pdf", content)

    assert_refused(response, "This file is larger than 10 MB.")
    assert not draft.documents.exists()


def test_an_upload_of_exactly_10_mb_is_accepted(client: Client, draft: Application) -> None:
    content = b"%PDF-" + b"0" * (MAX_UPLOAD_BYTES - 5)

    response = upload(client, draft, "big.pdf", content)

    assert response.status_code == 302
    assert draft.documents.get().size == MAX_UPLOAD_BYTES


def test_an_upload_without_a_file_or_of_a_kind_not_offered(
    client: Client, draft: Application
) -> None:
    response = client.post(
        section_url(draft, S.DOCUMENTS),
        {"kind_of_document": "reference_letter", "action": "upload"},
    )
    assert_refused(response, "This field is required.")

    response = upload(client, draft, "letter.pdf", b"%PDF-1.4", kind="school_letter")
    assert_refused(response, "Select a valid choice.")
    assert not draft.documents.exists()


# Markup typed into answers is text ---------------------------------------------------------


def test_markup_in_answers_is_shown_escaped_on_pages_and_as_text_in_the_pdf(
    client: Client, person: Person, facility: Facility
) -> None:
    draft = draft_application(facility=facility, person=person, complete=False)
    answers = valid_answers("volunteer", first=SCRIPT)
    answers[S.IDENTITY]["email"] = "jordan@example.org"
    answers[S.PLACEMENT]["activities"] = '<img src="x" onerror="alert(2)">'
    for slug, data in answers.items():
        response = client.post(section_url(draft, slug), {**data, "action": "continue"})
        assert response.status_code == 302, (slug, page(response)[:3000])
    upload(client, draft, f"{IMG}.pdf", b"%PDF-1.4 a letter")

    for path in (
        url("review", draft),
        section_url(draft, S.IDENTITY),
        section_url(draft, S.DOCUMENTS),
    ):
        text = page(client.get(path))
        assert SCRIPT not in text, path
        assert '<img src="x"' not in text, path
    review = page(client.get(url("review", draft)))
    assert ESCAPED in review
    assert "&lt;img src=&quot;x&quot; onerror=&quot;alert(2)&quot;&gt;" in review

    response = client.post(url("review", draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.answers[S.IDENTITY]["first_name"] == SCRIPT  # stored as typed

    detail = page(client.get(url("detail", draft)))
    assert SCRIPT not in detail
    assert IMG not in detail
    assert f"{html.escape(IMG)}.pdf" in detail  # the document's name

    pdf = client.get(url("pdf", draft))
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert SCRIPT in text
    assert '<img src="x" onerror="alert(2)">' in text
    assert "&lt;" not in text


def test_markup_in_a_withdrawal_reason_is_escaped_in_the_timeline(
    client: Client, person: Person, facility: Facility
) -> None:
    draft = draft_application(facility=facility, person=person, complete=False)

    client.post(url("withdraw", draft), {"reason": SCRIPT, "confirm": "on"})

    detail = page(client.get(url("detail", draft)))
    assert SCRIPT not in detail
    assert ESCAPED in detail


def test_markup_in_next_is_escaped_on_the_sign_in_page(client: Client) -> None:
    response = client.get("/account/sign-in/", {"next": '"><script>alert(1)</script>'})

    assert SCRIPT not in page(response)
    assert "&quot;&gt;&lt;script&gt;" in page(response)


# Garbage ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"facility": "ACC", "kind": "nonsense"},
        {"facility": "NOPE", "kind": "volunteer"},
        {"facility": "", "kind": ""},
        {},
        {"facility": ["ACC", "BCC"], "kind": ["volunteer", "student_intern"]},
    ],
)
def test_garbage_on_the_start_page(
    client: Client, person: Person, facility: Facility, data: dict
) -> None:
    # A browser's POST always carries the CSRF token, so it is never empty.
    response = client.post("/account/apply/", {**data, "csrfmiddlewaretoken": "x"})

    assert response.status_code == 200
    assert "There is a problem" in page(response)
    assert not Application.objects.exists()


def test_a_central_office_takes_no_application(client: Client, person: Person) -> None:
    from tests.factories import FacilityFactory

    FacilityFactory.create(code="CO", kind="central_office")

    response = client.post("/account/apply/", {"facility": "CO", "kind": "volunteer"})

    assert response.status_code == 200
    assert "Select a valid choice." in page(response)
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("suffix", "on_get", "on_post"),
    [
        ("{id}/nonsense/", 404, 404),
        ("{id}/_pending/", 404, 404),
        ("{id}/identity-2/", 404, 404),
        ("not-a-uuid/", 404, 404),
        ("not-a-uuid/identity/", 404, 404),
        ("12345/review/", 404, 404),
        ("{other}/identity/", 404, 404),
        ("{other}/review/", 404, 404),
        ("{other}/withdraw/", 404, 404),
        ("{other}/answer/", 404, 404),
        ("{id}/documents/not-a-uuid/", 404, 404),
        ("{id}/documents/{other}/remove/", 405, 404),
        # Addresses that take no POST say so before looking anything up.
        ("{other}/", 404, 405),
        ("{other}/pdf/", 404, 405),
        ("{id}/documents/{other}/", 404, 405),
    ],
)
def test_unknown_addresses_are_404(
    client: Client, draft: Application, suffix: str, on_get: int, on_post: int
) -> None:
    path = "/account/applications/" + suffix.format(id=draft.public_id, other=uuid.uuid4())

    assert client.get(path).status_code == on_get
    assert client.post(path, {"action": "continue", "confirm": "on"}).status_code == on_post


@pytest.mark.parametrize(
    "data",
    [
        # Formset management data missing or tampered with.
        {"has_record": "yes", "pending_charges": "no", "on_supervision": "no"},
        {
            "has_record": "no",
            "pending_charges": "no",
            "on_supervision": "no",
            "entries-TOTAL_FORMS": "100000",
            "entries-INITIAL_FORMS": "0",
        },
        {
            "has_record": "no",
            "pending_charges": "no",
            "on_supervision": "no",
            "entries-TOTAL_FORMS": "x",
            "entries-INITIAL_FORMS": "-1",
        },
        {"has_record": "maybe", "pending_charges": ["yes", "no"], "on_supervision": "\x00"},
    ],
)
def test_garbage_entries_are_refused_not_a_500(
    client: Client, draft: Application, data: dict
) -> None:
    response = client.post(section_url(draft, S.CRIMINAL_HISTORY), {**data, "action": "continue"})

    assert response.status_code == 200
    assert "error-summary" in page(response)
    assert not draft.criminal_history_entries.exists()


def test_an_unknown_button_saves_and_continues(client: Client, draft: Application) -> None:
    response = client.post(
        section_url(draft, S.PLACEMENT),
        {**valid_answers("volunteer")[S.PLACEMENT], "action": "launch-missiles"},
    )

    assert response.status_code == 302
    assert response.url == section_url(draft, S.ORGANISATION)


def test_a_relationship_at_a_facility_that_does_not_exist(
    client: Client, draft: Application
) -> None:
    from tests.applications.helpers import entries

    data = {
        "has_relationships": "yes",
        **entries([{"name": "Kevin Rivera", "relationship": "Brother", "facility": "999999"}]),
    }

    response = client.post(section_url(draft, S.RELATIONSHIPS), {**data, "action": "continue"})

    assert_refused(response, "Select a valid choice.", 'value="Kevin Rivera"')


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused(client: Client, draft: Application, method: str) -> None:
    for path in (section_url(draft, S.IDENTITY), url("review", draft), url("withdraw", draft)):
        assert getattr(client, method)(path).status_code == 405


@pytest.mark.parametrize("action", ["continue", "exit"])
def test_a_nul_character_is_refused_and_never_breaks_the_save(
    client: Client, draft: Application, action: str
) -> None:
    """PostgreSQL cannot store U+0000 in text or jsonb: it must never reach a query."""
    data = {**valid_answers("volunteer")[S.PLACEMENT], "activities": "Tutoring\x00 GED"}

    response = client.post(section_url(draft, S.PLACEMENT), {**data, "action": action})

    if action == "continue":
        assert_refused(response, "Null characters are not allowed.")
    else:
        assert response.status_code == 302
    draft.refresh_from_db()
    assert S.PLACEMENT not in draft.answers
    assert draft.answers["_pending"][S.PLACEMENT]["activities"] == ["Tutoring GED"]
    assert client.get(section_url(draft, S.PLACEMENT)).status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("clear_cache")
def test_a_nul_character_in_next_is_not_kept(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    from django.core import mail

    from accounts.models import SignInToken
    from tests.applications.helpers import link_path

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/account/sign-in/", {"email": "new@example.org", "next": "/account/\x00apply/"}
        )

    assert response.status_code == 302
    assert "\x00" not in SignInToken.objects.get().next_url
    response = client.post(link_path(mail.outbox[0]))
    assert response.status_code == 302
    assert "\x00" not in response.url
