"""Every write to people and applications. `transition()` is the only writer of status.

A package of modules with one public surface: import from `applications.services`.
"""

from applications.services.checks import (
    AgeNotice,
    age_notice,
    completeness,
    compute_flags,
    contact_eligibility_notice,
    next_reference,
    section_problems,
    section_states,
)
from applications.services.drafts import (
    HELD_IDENTIFIERS,
    PENDING,
    add_document,
    editable_sections,
    held_identifiers,
    pending_data,
    remove_document,
    save_pending,
    save_section,
    start_application,
)
from applications.services.errors import (
    AlreadyLive,
    ApplicationError,
    IllegalMove,
    Incomplete,
    NotEditable,
    SignInRefused,
    TooYoung,
    actor_label,
)
from applications.services.identifiers import (
    REVEALABLE,
    NothingToReveal,
    RotationCounts,
    reveal_identifier,
    rotate_identifier_keys,
)
from applications.services.people import (
    flag_possible_duplicates,
    person_for_login,
    prefill_identity,
    save_identity,
    set_preferred_language,
)
from applications.services.signin import (
    LINK_WINDOW_SECONDS,
    LINKS_PER_ADDRESS,
    LINKS_PER_IP,
    request_sign_in_link,
    sign_in_with_token,
)
from applications.services.status import append_event, transition
from applications.services.workflow import (
    answer_information_request,
    mail_applicant,
    request_information,
    submit_application,
    withdraw_application,
)

__all__ = [
    "HELD_IDENTIFIERS",
    "LINKS_PER_ADDRESS",
    "LINKS_PER_IP",
    "LINK_WINDOW_SECONDS",
    "PENDING",
    "REVEALABLE",
    "AgeNotice",
    "AlreadyLive",
    "ApplicationError",
    "IllegalMove",
    "Incomplete",
    "NotEditable",
    "NothingToReveal",
    "RotationCounts",
    "SignInRefused",
    "TooYoung",
    "actor_label",
    "add_document",
    "age_notice",
    "answer_information_request",
    "append_event",
    "completeness",
    "compute_flags",
    "contact_eligibility_notice",
    "editable_sections",
    "flag_possible_duplicates",
    "held_identifiers",
    "mail_applicant",
    "next_reference",
    "pending_data",
    "person_for_login",
    "prefill_identity",
    "remove_document",
    "request_information",
    "request_sign_in_link",
    "reveal_identifier",
    "rotate_identifier_keys",
    "save_identity",
    "save_pending",
    "save_section",
    "section_problems",
    "section_states",
    "set_preferred_language",
    "sign_in_with_token",
    "start_application",
    "submit_application",
    "transition",
    "withdraw_application",
]
