"""Repeatable entries: every formset capped at what a real applicant lists, a tampered count
refused quickly with a clear error, nothing over the cap kept in the draft; and the entries'
help text names only controls the page has."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applications import sections as S
from applications.models import Application, Person
from applications.services import PENDING, save_pending
from facilities.models import Facility
from tests.applications.helpers import entries, log_in, page, section_url
from tests.factories import applicant, draft_application, valid_answers

pytestmark = pytest.mark.django_db

CAPS = {S.CRIMINAL_HISTORY: 20, S.RELATIONSHIPS: 20}
TOO_MANY = "List at most 20 entries here. If you have more, tell the coordinator."
ROWS = {
    S.CRIMINAL_HISTORY: {
        "date": "2009-06-01",
        "place": "Boone County, MO",
        "offence": "Minor in possession",
        "disposition": "Fine paid",
    },
    S.RELATIONSHIPS: {"name": "Kevin Rivera", "doc_number": "1234567", "relationship": "Brother"},
}
YES = {S.CRIMINAL_HISTORY: "has_record", S.RELATIONSHIPS: "has_relationships"}


@pytest.fixture
def person(client: Client) -> Person:
    person = applicant()
    log_in(client, person)
    return person


@pytest.fixture
def draft(person: Person, facility: Facility) -> Application:
    return draft_application(facility=facility, person=person, complete=False)


def tampered(slug: str, *, total: int = 1000, rows: int = 150) -> dict[str, str]:
    """A post claiming `total` forms, `rows` of them filled in (Django refuses more than
    1,000 fields before any view runs, so that is what a tamperer can really send)."""
    data = {
        **{k: v for k, v in valid_answers("volunteer")[slug].items() if "entries-" not in k},
        YES[slug]: "yes",
        **entries([ROWS[slug]] * rows),
        "entries-TOTAL_FORMS": str(total),
        "action": "continue",
    }
    return data


def rendered_forms(text: str) -> set[int]:
    return {int(n) for n in re.findall(r'name="entries-(\d+)-', text)}


def test_every_formset_is_capped_hard() -> None:
    assert set(S.FORMSETS) == set(CAPS)
    for slug, formset in S.FORMSETS.items():
        assert formset.max_num == CAPS[slug]
        assert formset.absolute_max == CAPS[slug]
        assert formset.validate_max


@pytest.mark.parametrize("slug", list(CAPS))
def test_a_tampered_count_is_refused_fast_small_and_not_kept_over_the_cap(
    client: Client, draft: Application, slug: str
) -> None:
    started = time.monotonic()
    response = client.post(section_url(draft, slug), tampered(slug))
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    text = page(response)
    assert TOO_MANY in text
    assert "error-summary" in text
    assert elapsed < 3
    assert len(response.content) < 300_000
    assert max(rendered_forms(text)) < CAPS[slug]
    assert 'name="entries-TOTAL_FORMS" value="20"' in text  # the tampered count not echoed

    draft.refresh_from_db()
    kept = draft.answers[PENDING][slug]
    assert kept["entries-TOTAL_FORMS"] == ["20"]
    assert max(int(k.split("-")[1]) for k in kept if re.match(r"entries-\d+-", k)) < CAPS[slug]
    assert "csrfmiddlewaretoken" not in kept
    assert "action" not in kept
    assert getattr(draft, S.FORMSET_RELATED[slug]).count() == 0  # nothing saved

    # The section still opens small and saves again: the draft is not jammed.
    again = client.get(section_url(draft, slug))
    assert again.status_code == 200
    assert len(again.content) < 300_000
    saved = client.post(section_url(draft, slug), {**tampered(slug, total=2, rows=2)})
    assert saved.status_code == 302
    assert getattr(draft, S.FORMSET_RELATED[slug]).count() == 2


@pytest.mark.parametrize("slug", list(CAPS))
def test_one_entry_over_the_cap_is_refused(client: Client, draft: Application, slug: str) -> None:
    response = client.post(section_url(draft, slug), tampered(slug, total=21, rows=21))

    assert response.status_code == 200
    assert TOO_MANY in page(response)
    assert getattr(draft, S.FORMSET_RELATED[slug]).count() == 0


@pytest.mark.parametrize("slug", list(CAPS))
def test_the_cap_itself_is_accepted(client: Client, draft: Application, slug: str) -> None:
    response = client.post(section_url(draft, slug), tampered(slug, total=20, rows=20))

    assert response.status_code == 302
    assert getattr(draft, S.FORMSET_RELATED[slug]).count() == 20
    text = page(client.get(section_url(draft, slug)))
    assert "Save and add another entry" not in text  # no room for another
    assert len(rendered_forms(text)) == 20


@pytest.mark.parametrize("slug", list(CAPS))
def test_junk_kept_before_the_cap_is_trimmed_when_the_section_opens(
    client: Client, draft: Application, slug: str
) -> None:
    junk = {f"entries-{i}-name": ["x"] for i in range(3000)}
    junk |= {"entries-TOTAL_FORMS": ["3000"], "entries-INITIAL_FORMS": ["0"], "bogus": ["1"]}
    draft.answers[PENDING] = {slug: junk}
    draft.save()

    response = client.get(section_url(draft, slug))

    assert response.status_code == 200
    assert len(response.content) < 300_000
    assert max(rendered_forms(page(response))) < CAPS[slug]


def test_save_pending_never_stores_over_the_cap(draft: Application) -> None:
    raw = {k: [v] for k, v in tampered(S.RELATIONSHIPS, total=10**9).items()}
    raw["entries-3-name"] = ["x" * 100_000]

    save_pending(application=draft, slug=S.RELATIONSHIPS, raw=raw)

    draft.refresh_from_db()
    kept = draft.answers[PENDING][S.RELATIONSHIPS]
    assert kept["entries-TOTAL_FORMS"] == ["20"]
    assert len(kept) <= 4 + 20 * 5 + 1
    assert len(kept["entries-3-name"][0]) <= S.PENDING_VALUE_CHARS


def test_the_paper_entry_form_refuses_a_tampered_count(
    client: Client, facility: Facility, iac: User
) -> None:
    client.force_login(iac)
    data = {
        "kind": "volunteer",
        "relationships-has_relationships": "yes",
        "relationships-entries-TOTAL_FORMS": "1000",
        "relationships-entries-INITIAL_FORMS": "0",
        "criminal_history-entries-TOTAL_FORMS": "1000",
        "criminal_history-entries-INITIAL_FORMS": "0",
    }
    url = reverse("staff:paper_application", args=[facility.code]) + "?kind=volunteer"

    started = time.monotonic()
    response = client.post(url, data)

    assert time.monotonic() - started < 3
    assert response.status_code == 200
    assert len(response.content) < 300_000
    assert TOO_MANY in page(response)
    assert 'name="relationships-entries-TOTAL_FORMS" value="20"' in page(response)


# The help text and its controls ----------------------------------------------------------


def named_controls(text: str) -> list[str]:
    """The control names the entries' help text quotes (“…”)."""
    found = re.search(r'<p class="facility-meta" id="entries-help">(.*?)</p>', text, re.S)
    assert found, "no help text for the entries"
    return re.findall(r"“([^”]+)”", found.group(1))


def has_control(text: str, name: str) -> bool:
    button = re.search(rf"<button[^>]*>\s*{re.escape(name)}\s*</button>", text)
    label = re.search(rf"<label[^>]*>\s*{re.escape(name)}\s*</label>", text)
    return bool(button or label)


@pytest.mark.parametrize("slug", list(CAPS))
@pytest.mark.parametrize("saved", [0, 1, 20])
def test_every_control_the_help_text_names_is_on_the_page(
    client: Client, draft: Application, slug: str, saved: int
) -> None:
    if saved:
        data = tampered(slug, total=saved, rows=saved)
        assert client.post(section_url(draft, slug), data).status_code == 302

    text = page(client.get(section_url(draft, slug)))

    named = named_controls(text)
    for name in named:
        assert has_control(text, name), name
    assert ("Remove this entry" in named) == bool(saved)
    assert ("Save and add another entry" in named) == (saved < 20)
    assert "Delete" not in re.findall(r"<label[^>]*>\s*([^<]+?)\s*</label>", text)


def test_a_ticked_remove_box_deletes_the_entry(client: Client, draft: Application) -> None:
    slug = S.RELATIONSHIPS
    assert client.post(section_url(draft, slug), tampered(slug, total=2, rows=2)).status_code == 302
    text = page(client.get(section_url(draft, slug)))
    assert text.count("Remove this entry") >= 2

    data = {**tampered(slug, total=3, rows=2), "entries-INITIAL_FORMS": "2"}
    data["entries-0-DELETE"] = "on"
    assert client.post(section_url(draft, slug), data).status_code == 302
    assert draft.relationships.count() == 1
