"""People, applications, their event log, repeatable entries, documents, information requests.

The status of an application is written only by applications.services; the moves allowed
are the TRANSITIONS map below (DESIGN: Workflow).
"""

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.db import models
from django.db.models.functions import Concat, Upper
from django.dispatch import receiver
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, cached_property, empty
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from facilities.models import Facility

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


# The accented letters of Spanish (the program's second language), both cases, and the plain
# letter each folds to. Short on purpose: SQLite nests one REPLACE per letter and its parser
# refuses a generated column much deeper than this.
ACCENTED = "áéíóúüñÁÉÍÓÚÜÑ"
PLAIN = "aeiouunaeiouun"
_FOLDING = str.maketrans(ACCENTED, PLAIN)


def fold(text: str) -> str:
    """Lowercase without Spanish accents: a search term as Person.search_text holds words."""
    return text.lower().translate(_FOLDING)


@deconstructible(path="applications.models.Folded")
class Folded(models.Func):
    """fold() in SQL both databases can store as a generated column: the accents first, in
    both cases (SQLite's lower() leaves non-ASCII letters alone, as PostgreSQL's does under
    the C locale), and no unaccent(), which is neither portable nor immutable."""

    arity = 1
    output_field = models.TextField()

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, Any]:
        sql, params = compiler.compile(self.source_expressions[0])
        for accented, plain in zip(ACCENTED, PLAIN, strict=True):
            sql = f"REPLACE({sql}, '{accented}', '{plain}')"
        return f"LOWER({sql})", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"LOWER(TRANSLATE({sql}, '{ACCENTED}', '{PLAIN}'))", params


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: "User | AnonymousUser", cap: str) -> "PersonQuerySet":
        """People with a submitted application at one of the user's facilities."""

        return self.filter(pk__in=Application.objects.visible_to(user, cap).values("person_id"))


class Person(models.Model):
    """One human, statewide; may have no login (a paper application keyed in by staff)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    first_name = models.CharField(_("first name"), max_length=60, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=60, blank=True)
    last_name = models.CharField(_("last name"), max_length=60, blank=True)
    suffix = models.CharField(_("suffix"), max_length=10, blank=True)
    other_names = models.CharField(_("other names used"), max_length=200, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True, db_index=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    state = models.CharField(_("state"), max_length=2, blank=True)
    zip = models.CharField(_("ZIP code"), max_length=10, blank=True)
    emergency_contact_name = models.CharField(max_length=120, blank=True)
    emergency_contact_phone = PhoneNumberField(blank=True)
    emergency_contact_relationship = models.CharField(max_length=60, blank=True)
    preferred_language = models.CharField(
        max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    # Identifiers: encrypted, with the last characters kept for the masked display and a
    # keyed hash for exact matching (duplicate people).
    ssn_encrypted = models.TextField(blank=True)
    ssn_last4 = models.CharField(max_length=4, blank=True)
    ssn_hash = models.CharField(max_length=64, blank=True, db_index=True)
    dl_number_encrypted = models.TextField(blank=True)
    dl_last4 = models.CharField(max_length=4, blank=True)
    dl_hash = models.CharField(max_length=64, blank=True, db_index=True)
    dl_state = models.CharField(_("license state"), max_length=2, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What the staff search matches (fold(term) contained in it): kept by the database itself,
    # so every writer (the services, a merge, a bulk load) keeps it right; trigram-indexed on
    # PostgreSQL (migration 0007), where a LIKE '%term%' on it is an index scan.
    search_text = models.GeneratedField(
        expression=Folded(
            Concat(
                "first_name",
                models.Value(" "),
                "last_name",
                models.Value(" "),
                "email",
                output_field=models.TextField(),
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(preferred_language__in=Language.values),
                name="person_language_valid",
            ),
        ]
        indexes = [
            # A first sign-in looks for a paper applicant of that e-mail (any case) not yet
            # linked to a login (person_for_login): without it, a scan of every person. Not
            # partial: PostgreSQL keeps no statistics on a partial index's expression, and
            # without them it plans that lookup as a walk of the primary key.
            models.Index(Upper("email"), name="person_email_upper"),
            # Every submission looks for people of the same birth date (possible duplicates),
            # and the overview lists people under 19: a few thousand of 100,000.
            models.Index(fields=["date_of_birth"], name="person_date_of_birth"),
            # Lists in name order stop after a page (compliance's 200 with the fewest
            # in-service hours): walked by this index, not sorted from every row.
            models.Index(fields=["last_name", "first_name", "id"], name="person_name_order"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or f"Person {self.pk}"

    @property
    def full_name(self) -> str:
        parts = [self.first_name, self.middle_name, self.last_name, self.suffix]
        return " ".join(part for part in parts if part)

    @property
    def ssn_masked(self) -> str:
        return f"•••-••-{self.ssn_last4}" if self.ssn_last4 else ""

    @property
    def dl_masked(self) -> str:
        return f"••••{self.dl_last4}" if self.dl_last4 else ""


class Kind(models.TextChoices):
    VOLUNTEER = "volunteer", _("Volunteer")
    REENTRY_PARTNER = "reentry_partner", _("Reentry partner")
    STUDENT_INTERN = "student_intern", _("Student intern")


class AccessLevel(models.TextChoices):
    NO_CONTACT = "no_contact", _("No offender contact")
    CONTACT = "contact", _("Offender contact")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    INFO_REQUESTED = "info_requested", _("Information requested")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Mover(models.TextChoices):
    """Who makes a move: the applicant (or staff on their behalf) or a staff capability."""

    APPLICANT = "applicant", _("the applicant")
    RECORD = "record", _("a coordinator")
    DECIDE = "decide", _("a coordinator (decision)")


OPEN_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED)
LIVE_STATUSES = (Status.DRAFT, *OPEN_STATUSES)

# DESIGN's Workflow table: from → {to: who may make the move}.
TRANSITIONS: dict[str, dict[str, Mover]] = {
    Status.DRAFT: {Status.SUBMITTED: Mover.APPLICANT, Status.WITHDRAWN: Mover.APPLICANT},
    Status.SUBMITTED: {
        Status.IN_REVIEW: Mover.RECORD,
        Status.DECLINED: Mover.DECIDE,
        Status.WITHDRAWN: Mover.APPLICANT,
    },
    Status.IN_REVIEW: {
        Status.INFO_REQUESTED: Mover.RECORD,
        Status.APPROVED: Mover.DECIDE,
        Status.DECLINED: Mover.DECIDE,
        Status.WITHDRAWN: Mover.APPLICANT,
    },
    Status.INFO_REQUESTED: {
        # The applicant answers; or a coordinator records that it was answered another way.
        Status.IN_REVIEW: Mover.APPLICANT,
        Status.DECLINED: Mover.DECIDE,
        Status.WITHDRAWN: Mover.APPLICANT,
    },
}
# Moves a second kind of mover may also make.
ALSO_BY_RECORD = {(Status.INFO_REQUESTED, Status.IN_REVIEW)}


class DeclineReason(models.TextChoices):
    INCOMPLETE = "incomplete", _("Incomplete")
    FALSIFIED = "falsified", _("Falsified information")
    BACKGROUND = "background_check", _("Background check")
    RELATIONSHIP = "relationship_conflict", _("Relationship conflict")
    AGE = "age", _("Age")
    OTHER = "other", _("Other")


class ProgramArea(models.TextChoices):
    RELIGIOUS = "religious", _("Religious / spiritual")
    EDUCATION = "education", _("Education")
    RECOVERY = "recovery", _("Substance use recovery")
    LIFE_SKILLS = "life_skills", _("Life skills")
    REENTRY = "reentry", _("Reentry and employment")
    RESTORATIVE = "restorative_justice", _("Restorative justice")
    RECREATION = "recreation", _("Recreation")
    MENTORING = "mentoring", _("Mentoring")
    OTHER = "other", _("Other")


class ApplicationQuerySet(models.QuerySet["Application"]):
    def live(self) -> "ApplicationQuerySet":
        return self.filter(status__in=LIVE_STATUSES)

    def open(self) -> "ApplicationQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def for_applicant(self, user: "User | AnonymousUser") -> "ApplicationQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(person__user=user)

    def visible_to(self, user: "User | AnonymousUser", cap: str) -> "ApplicationQuerySet":
        """Applications at the user's facilities; drafts (also those withdrawn before they were
        ever submitted) are private to the applicant."""
        from facilities.access import facilities_for, is_pic_coordinator

        if is_pic_coordinator(user):  # every facility: no subquery of the facility table
            return self.filter(submitted_at__isnull=False)
        return self.filter(submitted_at__isnull=False, facility__in=facilities_for(user, cap))


def _choices_check(field: str, choices: type[models.TextChoices]) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": choices.values}),
        name=f"application_{field}_valid",
    )


class Application(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="applications")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="applications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.ONLINE)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff member who keyed in a paper application.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    access_level_requested = models.CharField(
        max_length=12, choices=AccessLevel.choices, default=AccessLevel.NO_CONTACT
    )
    program_area = models.CharField(max_length=24, choices=ProgramArea.choices, blank=True)
    # The answers of each section, keyed by section slug (identity is a snapshot taken at
    # submission); repeatable entries are child rows.
    answers = models.JSONField(default=dict, blank=True)
    last_section = models.CharField(max_length=32, blank=True)
    signature_name = models.CharField(max_length=200, blank=True)
    # The registry's organization a reentry partner represents (or an intern's school):
    # chosen in the organization section, or made unverified at submission from a new name.
    organization = models.ForeignKey(
        "partners.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    signed_on = models.DateField(null=True, blank=True)
    # The language of the form the applicant read when they signed (online); empty when
    # staff keyed in a paper application. Their PDF is rendered in it: what they signed.
    signed_language = models.CharField(max_length=2, choices=Language.choices, blank=True)
    revised_on = models.DateField(null=True, blank=True)
    # Flags, computed at submission (and on each answered information request).
    flag_contact_under_19 = models.BooleanField(default=False)
    flag_relationship_conflict = models.BooleanField(default=False)
    flag_criminal_history = models.BooleanField(default=False)
    flag_pending_or_supervision = models.BooleanField(default=False)
    decline_reason = models.CharField(max_length=24, choices=DeclineReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # When it first moved to in review (status.transition sets it): the pipeline's "reached
    # review" counts these instead of probing each application's events.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Set by the retention command: its answers, documents and relationships are gone.
    anonymized_at = models.DateTimeField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        # The reports filter on these (reports/queries).
        indexes = [
            models.Index(
                fields=["facility", "status", "submitted_at"], name="application_report_open"
            ),
            # Applications submitted (decided) in a period: the columns the reports filter
            # and count by ride along (PostgreSQL), so the period's rows are read from the
            # index alone instead of from ~2,400 table pages each time.
            models.Index(
                fields=["submitted_at"],
                include=[
                    "id",
                    "facility",
                    "status",
                    "kind",
                    "access_level_requested",
                    "reviewed_at",
                ],
                name="application_submitted_cover",
            ),
            models.Index(
                fields=["decided_at"],
                include=[
                    "id",
                    "facility",
                    "status",
                    "submitted_at",
                    "kind",
                    "access_level_requested",
                    "decline_reason",
                ],
                name="application_decided_cover",
            ),
            # The staff queue reads open applications in submission order and stops after a
            # page: statewide, and at the few facilities a coordinator holds.
            models.Index(
                fields=["submitted_at", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="application_queue",
            ),
            models.Index(
                fields=["facility", "submitted_at", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="application_queue_facility",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "facility", "kind"],
                condition=models.Q(status__in=LIVE_STATUSES),
                name="one_live_application_per_person_facility_kind",
            ),
            _choices_check("kind", Kind),
            _choices_check("status", Status),
            _choices_check("channel", Channel),
            _choices_check("access_level_requested", AccessLevel),
            models.CheckConstraint(
                condition=models.Q(program_area="") | models.Q(program_area__in=ProgramArea.values),
                name="application_program_area_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(decline_reason="")
                | models.Q(decline_reason__in=DeclineReason.values),
                name="application_decline_reason_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(signed_language="")
                | models.Q(signed_language__in=Language.values),
                name="application_signed_language_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=Status.DECLINED) | ~models.Q(decline_reason=""),
                name="application_decline_has_reason",
            ),
            # A draft withdrawn before it was ever submitted has no reference either.
            models.CheckConstraint(
                condition=models.Q(status=Status.DRAFT)
                | models.Q(status=Status.WITHDRAWN, submitted_at__isnull=True)
                | models.Q(reference__isnull=False),
                name="application_submitted_has_reference",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"Draft {self.get_kind_display()} application ({self.pk})"

    def can_transition_to(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, {})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def form_title(self) -> str:
        if self.kind == Kind.STUDENT_INTERN:
            return str(_("Volunteer/Student Intern Application"))
        return str(_("Application for Facility Access"))

    @property
    def days_waiting(self) -> int | None:
        """Whole days since submission, in the department's time zone."""
        if self.submitted_at is None:
            return None
        from applications.age import DEPARTMENT_TZ, today

        return (today() - self.submitted_at.astimezone(DEPARTMENT_TZ).date()).days

    @cached_property
    def open_information_request(self) -> "InformationRequest | None":
        if self.status != Status.INFO_REQUESTED:
            return None
        return self.information_requests.filter(answered_at__isnull=True).order_by("-pk").first()


class EventKind(models.TextChoices):
    STATUS = "status", _("Status changed")
    INFO_REQUESTED = "info_requested", _("Information requested")
    INFO_ANSWERED = "info_answered", _("Information provided")
    STEP = "step", _("Screening step recorded")
    DOCUMENT = "document", _("Document added")
    CONFLICT_RESOLVED = "conflict_resolved", _("Relationship conflict resolved")
    NOTE = "note", _("Note")


class ApplicationEventQuerySet(models.QuerySet["ApplicationEvent"]):
    def for_applicant(self) -> "ApplicationEventQuerySet":
        return self.filter(is_visible_to_applicant=True)


class ApplicationEvent(models.Model):
    """One thing that happened to an application; status moves carry from and to."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=255, blank=True)
    on_behalf_of_applicant = models.BooleanField(default=False)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    text = models.TextField(blank=True)
    is_visible_to_applicant = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)

    objects = ApplicationEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["application", "to_status"], name="event_application_to")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=EventKind.values), name="event_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=EventKind.STATUS)
                | (~models.Q(from_status="") & ~models.Q(to_status="")),
                name="event_status_move_has_from_and_to",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.kind} {self.at:%Y-%m-%d}"


class CriminalHistoryEntry(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="criminal_history_entries"
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("city, county and state"), max_length=120)
    offence = models.CharField(_("offense"), max_length=200)
    disposition = models.CharField(_("disposition"), max_length=200)
    explanation = models.TextField(_("explanation"), max_length=2000, blank=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name_plural = "criminal history entries"

    def __str__(self) -> str:
        return f"{self.date} {self.offence}"


class Relationship(models.Model):
    """Someone under department supervision the applicant knows (DESIGN rule 5)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="relationships"
    )
    name = models.CharField(_("name"), max_length=120)
    doc_number = models.CharField(_("DOC number (if known)"), max_length=20, blank=True)
    relationship = models.CharField(_("relationship"), max_length=60)
    facility = models.ForeignKey(
        Facility,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("facility"),
        help_text=_("Leave empty if you do not know."),
    )
    # A relation at the requested facility is a conflict until a coordinator writes an
    # exception (DESIGN rule 5); a revised answer replaces the row, and so the exception.
    exception_note = models.TextField(blank=True)
    exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exception_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class DocumentKind(models.TextChoices):
    REFERENCE_LETTER = "reference_letter", _("Reference letter")
    SCHOOL_LETTER = "school_letter", _("School letter")
    PAPER_SCAN = "paper_scan", _("Scan of the signed paper application")
    TB_RESULT = "tb_result", _("TB test result")
    OTHER = "other", _("Other")


class _PrivateStorage(LazyObject):
    """settings.STORAGES["private"], looked up when first used.

    A FileField calls its storage callable once, when its model class is built; handing it
    this proxy instead of the storage itself keeps the choice in STORAGES (local files, or
    S3 on more than one machine), also when a test overrides the setting.
    """

    def _setup(self) -> None:
        self._wrapped = storages["private"]


_private_storage = _PrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        _private_storage._wrapped = empty  # type: ignore[assignment]


def private_storage() -> Storage:
    """The storage for uploads: outside every public URL (settings.STORAGES["private"])."""
    return _private_storage  # type: ignore[return-value]


def _document_path(instance: "ApplicationDocument", filename: str) -> str:
    # The stored name never reuses the uploaded one: it could carry anything.
    return f"applications/{instance.application.public_id}/{uuid.uuid4().hex}"


class ApplicationDocument(models.Model):
    """A supporting document: stored privately, served only through permission-checked views."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    file = models.FileField(storage=private_storage, upload_to=_document_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DocumentKind.values), name="document_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class InformationRequest(models.Model):
    """Staff ask the applicant for more: sections reopen until the answer (or a decision)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="information_requests"
    )
    message = models.TextField()
    sections = models.JSONField(default=list)
    due_on = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # The reopened sections as they stood, to record what the answer changed.
    answers_before = models.JSONField(default=dict)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["requested_at"], name="info_request_requested_at")]

    def __str__(self) -> str:
        return f"Request on {self.application} due {self.due_on}"

    def is_overdue(self, on: Any) -> bool:
        return self.answered_at is None and on > self.due_on


class ReferenceCounter(models.Model):
    """The last reference number given in a year; its row is locked to give the next."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class DuplicateReason(models.TextChoices):
    SSN = "ssn", _("Same Social Security number")
    DRIVER_LICENCE = "driver_licence", _("Same driver's license number")
    NAME_AND_BIRTH = "name_and_birth", _("Same name and date of birth")


class PossibleDuplicateQuerySet(models.QuerySet["PossibleDuplicate"]):
    def open(self) -> "PossibleDuplicateQuerySet":
        return self.filter(dismissed_at__isnull=True)

    def involving(self, person: Person) -> "PossibleDuplicateQuerySet":
        return self.filter(models.Q(person=person) | models.Q(other=person))


class PossibleDuplicate(models.Model):
    """Two people who may be one human: flagged to coordinators, never merged silently."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=DuplicateReason.choices)
    found_at = models.DateTimeField(auto_now_add=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PossibleDuplicateQuerySet.as_manager()

    class Meta:
        ordering = ["-found_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "other"], name="possible_duplicate_pair"),
            models.CheckConstraint(
                condition=models.Q(person__lt=models.F("other")),
                name="possible_duplicate_ordered_pair",
            ),
            models.CheckConstraint(
                condition=models.Q(reason__in=DuplicateReason.values),
                name="possible_duplicate_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ~ {self.other} ({self.reason})"
