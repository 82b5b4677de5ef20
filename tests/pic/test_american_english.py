"""American English in everything a person reads (issue 8, item 22): templates (pages,
e-mails, PDFs), every translatable string in the code, and the labels, help texts and choice
labels of models and forms. Field names, choice values and stored data keep their spelling
(`organisation`, `offence`, `driver_licence`): only the text shown changes."""

import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings

import applications.forms
import facilities.forms
import screening.forms

ROOT = Path(settings.BASE_DIR)
APPS = ["accounts", "applications", "audit", "facilities", "screening", "pic"]

BRITISH = re.compile(
    r"\b("
    r"organis\w*|licence\w*|offence\w*|defence|pretence|programme\w*|colour\w*|favour\w*"
    r"|behaviour\w*|honour\w*|neighbour\w*|labour\w*|centre\w*|catalogue\w*|dialogue"
    r"|recognis\w*|authoris\w*|realis(e|ed|es|ing)|apologis\w*|summaris\w*|prioritis\w*"
    r"|minimis\w*|finalis\w*|normalis\w*|utilis\w*|criticis\w*|emphasis(e|ed|es|ing)"
    r"|categoris\w*|capitalis\w*|analys(e|ed|es|ing)|enrol|enrols|enrolment\w*"
    r"|cancell(ed|ing)|travell(ed|ing)|labell(ed|ing)|modell(ed|ing)|judgement"
    r"|practis(e|ed|es|ing)|acknowledgement\w*|whilst|amongst|learnt|cheque|grey|ageing"
    r")\b",
    re.IGNORECASE,
)
LITERAL = r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\''


def british(text: str) -> list[str]:
    return [m.group(0) for m in BRITISH.finditer(text)]


def template_text(source: str) -> str:
    """What a template shows: its translated literals and its text outside tags, without
    variable names, tag arguments, HTML attribute names or URLs."""
    shown = [
        literal[1:-1]
        for literal in re.findall(r"{%\s*(?:translate|trans)\s+(" + LITERAL + r")", source)
    ]
    text = re.sub(r"{#.*?#}", " ", source, flags=re.S)
    text = re.sub(r"{{.*?}}", " ", text, flags=re.S)
    text = re.sub(r"{%\s*(?:translate|trans)\s+(" + LITERAL + r")[^%]*%}", " ", text)
    text = re.sub(r"{%.*?%}", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S)  # tags and their attributes
    return " ".join([*shown, text])


def test_templates_are_in_american_english() -> None:
    found = {}
    for path in (ROOT / "templates").rglob("*"):
        if path.suffix in {".html", ".txt"}:
            words = british(template_text(path.read_text(encoding="utf-8")))
            if words:
                found[str(path.relative_to(ROOT))] = words
    assert found == {}


def _translatable(source: str) -> list[str]:
    """The literals inside _(…), gettext(…), ngettext(…) and their lazy forms."""
    calls = re.finditer(
        r"\b(?:_|gettext|gettext_lazy|ngettext|ngettext_lazy|pgettext|pgettext_lazy)\(\s*"
        r"((?:(?:" + LITERAL + r")\s*,?\s*)+)",
        source,
    )
    return [" ".join(re.findall(LITERAL, call.group(1))) for call in calls]


def test_translatable_strings_are_in_american_english() -> None:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            words = [w for s in _translatable(path.read_text(encoding="utf-8")) for w in british(s)]
            if words:
                found[str(path.relative_to(ROOT))] = words
    assert found == {}


def test_model_labels_help_texts_and_choices_are_in_american_english() -> None:
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        texts = [str(model._meta.verbose_name), str(model._meta.verbose_name_plural)]
        for field in model._meta.get_fields():
            texts += [str(getattr(field, "verbose_name", "")), str(getattr(field, "help_text", ""))]
            texts += [str(label) for _value, label in getattr(field, "flatchoices", None) or []]
        found += [f"{model.__name__}: {w}" for t in texts for w in british(t)]
    assert found == []


def _form_classes() -> list[type[forms.BaseForm]]:
    return [
        obj
        for module in (applications.forms, screening.forms, facilities.forms)
        for obj in vars(module).values()
        if isinstance(obj, type)
        and issubclass(obj, forms.BaseForm)
        and obj.__module__ == module.__name__
    ]


@pytest.mark.django_db  # the partner-organization choices come from the registry
def test_form_labels_help_texts_and_choices_are_in_american_english() -> None:
    found = []
    for form_class in _form_classes():
        for name, field in form_class.base_fields.items():
            texts = [str(field.label or ""), str(field.help_text or "")]
            if isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                texts += [str(label) for _value, label in field.choices]
            found += [f"{form_class.__name__}.{name}: {w}" for t in texts for w in british(t)]
    assert found == []


def test_doc_number_and_student_intern_read_the_same_everywhere() -> None:
    """'DOC number' (the department's initials), never 'Doc number'; 'Student intern' as a
    label, 'Student Intern' only in the title of the department's form."""
    bad = []
    for path in [
        *(ROOT / "templates").rglob("*.*"),
        *(p for a in APPS for p in (ROOT / a).rglob("*.py")),
    ]:
        if "migrations" in path.parts or path.suffix not in {".html", ".txt", ".py"}:
            continue
        text = path.read_text(encoding="utf-8")
        bad += [f"{path.name}: Doc number" for _ in re.finditer(r"\bDoc number", text)]
        for match in re.finditer(r'Student Intern\b(?![\s"]*Application)', text):
            bad.append(f"{path.name}: {match.group(0)}")
    assert bad == []
