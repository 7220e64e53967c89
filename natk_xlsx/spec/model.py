"""The plain data model of a toolkit, built from the spec files: named tuples for its many
small parts (their classes are made on every start without the generated methods a frozen
dataclass compiles, and they are built faster), a frozen dataclass for the toolkit.

Nothing here does I/O; ``specs.load_toolkit`` builds these from a folder of JSON files.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

from natk_xlsx.i18n.languages import tr

Text = Mapping[str, str]
Condition = Mapping[str, Any]


class _NoMapping(Mapping[str, Any]):
    """The empty mapping a part built without constraints or extras holds: one, shared, so
    read-only (and it pickles as itself)."""

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "{}"

    def __reduce__(self) -> str:
        return "NO_MAPPING"


NO_MAPPING: Mapping[str, Any] = _NoMapping()

#: Answer types whose answers are codes from a list.
CHOICE_TYPES = frozenset({"yes_no", "single_choice", "multiple_choice"})
#: Answer types whose answers are numbers (a statistics table compares by its grand total).
NUMERIC_TYPES = frozenset({"integer", "decimal", "percentage", "year", "stats_table"})
TEXT_TYPES = frozenset({"short_text", "long_text"})

#: The codes of the ``yes_no`` list, in order.
YES_NO_CODES = ("yes", "partly", "no", "dont_know", "not_applicable")
NOT_APPLICABLE = "not_applicable"
DONT_KNOW = "dont_know"

#: Fixed vocabularies: the schema fixes these codes, lists.json gives their labels.
SEVERITIES = ("critical", "high", "medium", "low")
ASSISTANCE_TYPES = (
    "legislative_drafting",
    "policy_coordination",
    "institutional_setup",
    "procedures_guidelines",
    "training",
    "equipment_infrastructure",
    "data_systems",
    "victim_services",
    "international_cooperation",
    "integrity_oversight",
)
CATEGORIES = ("core", "cross_cutting", "optional")

#: Default length limits of text answers (Excel's cell limit is 32,767 characters).
SHORT_TEXT_MAX = 255
LONG_TEXT_MAX = 32767


def plain_number(number: float) -> int | float:
    """A whole float as an int (12.0 → 12), anything else as it is."""
    return int(number) if float(number).is_integer() and abs(number) < 2**53 else number


class Choice(NamedTuple):
    """One code of a choice list, with its label in each language; ``exclusive``: where a
    question takes several, it cannot be chosen with any other ("None of these")."""

    code: str
    label: Text
    exclusive: bool = False


class ChoiceList(NamedTuple):
    """A named list of choices (``lists.json`` or a component's own), in display order."""

    id: str
    choices: tuple[Choice, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.choices)

    def label(self, code: str, lang: str) -> str:
        for choice in self.choices:
            if choice.code == code:
                return tr(choice.label, lang)
        return code


class Breakdown(NamedTuple):
    """The columns a statistics table breaks its figures down by (sex, age, form of
    exploitation...); ``additive`` when they sum to the row's total."""

    id: str
    label: Text
    additive: bool
    columns: tuple[Choice, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.columns)


class Standard(NamedTuple):
    """An international instrument a question tests against, and its article if one."""

    instrument: str
    article: str | None = None


class NeedsRule(NamedTuple):
    """When an answer shows a need (``when``, a condition), how severe it is, what
    assistance meets it and the action to take."""

    when: Condition
    severity: str
    assistance: tuple[str, ...]
    action: Text
    gap: Text | None = None
    horizon: str | None = None
    depends_on: tuple[str, ...] = ()
    theme: str | None = None


class Question(NamedTuple):
    """One question of a component: its answer type, texts in every language, the rules that
    check its answer and the needs its answer may show."""

    id: str
    component: str
    section: str
    type: str
    text: Text
    guidance: Text
    required: bool = True
    allow_na: bool = False
    partly: bool = True
    choices: str | None = None
    breakdown: str | None = None
    indicator: str | None = None
    unit: Text | None = None
    constraints: Mapping[str, Any] = NO_MAPPING
    relevant: Condition | None = None
    standards: tuple[Standard, ...] = ()
    tags: tuple[str, ...] = ()
    respondents: tuple[str, ...] = ()
    needs: tuple[NeedsRule, ...] = ()
    #: Respondent kinds whose answer settles the question; the others give a perception.
    authoritative: tuple[str, ...] = ()
    #: "core" (asked in a light assessment too) or "full".
    depth: str = "full"


class Section(NamedTuple):
    """A titled group of a component's questions."""

    id: str
    title: Text


class Component(NamedTuple):
    """One component of the assessment (a sheet of the workbook): its purpose, who answers
    it, and its sections and questions in order."""

    id: str
    prefix: str
    category: str
    title: Text
    sheet_name: Text
    purpose: Text
    respondents: tuple[str, ...]
    documents: tuple[Text, ...]
    interviewees: tuple[Text, ...]
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]

    def section_questions(self, section_id: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.section == section_id)


class Labelled(NamedTuple):
    """A code of a fixed vocabulary (respondent kinds, instruments, stages...) with its label,
    and what else the vocabulary says of it (``extra``)."""

    code: str
    label: Text
    extra: Mapping[str, Any] = NO_MAPPING


@dataclass(frozen=True)
class Toolkit:
    """A whole toolkit: manifest, shared lists and components in assessment order."""

    id: str
    title: Text
    description: Text
    version: str
    source_language: str
    languages: tuple[str, ...]
    reference_period: tuple[int, int]
    components: tuple[Component, ...]
    choice_lists: Mapping[str, ChoiceList]
    breakdowns: Mapping[str, Breakdown]
    vocabularies: Mapping[str, tuple[Labelled, ...]]
    spec_hash: str
    directory: str

    # -- look-ups -------------------------------------------------------------------------
    def component(self, component_id: str) -> Component:
        for component in self.components:
            if component.id == component_id:
                return component
        raise KeyError(component_id)

    def questions(self) -> Iterator[Question]:
        for component in self.components:
            yield from component.questions

    @cached_property
    def _question_index(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions()}

    def question(self, question_id: str) -> Question:
        return self._question_index[question_id]

    def vocabulary_label(self, vocabulary: str, code: str, lang: str) -> str:
        for entry in self.vocabularies.get(vocabulary, ()):
            if entry.code == code:
                return tr(entry.label, lang)
        return code

    def answer_codes(self, question: Question) -> tuple[str, ...]:
        """The codes a choice question accepts, in the order they are offered."""
        if question.type == "yes_no":
            codes = [c for c in YES_NO_CODES if c != NOT_APPLICABLE]
            if not question.partly:
                codes.remove("partly")
            if question.allow_na:
                codes.append(NOT_APPLICABLE)
            return tuple(codes)
        if question.type in ("single_choice", "multiple_choice") and question.choices:
            codes = list(self.choice_lists[question.choices].codes)
            if question.allow_na and NOT_APPLICABLE not in codes:
                codes.append(NOT_APPLICABLE)
            return tuple(codes)
        return ()

    def answer_label(self, question: Question, code: str, lang: str) -> str:
        if code == NOT_APPLICABLE or question.type == "yes_no":
            return self.choice_lists["yes_no"].label(code, lang)
        assert question.choices is not None
        return self.choice_lists[question.choices].label(code, lang)

    def years(self) -> tuple[int, ...]:
        first, last = self.reference_period
        return tuple(range(first, last + 1))

    def select(self, component_ids: list[str] | None) -> tuple[Component, ...]:
        """The chosen components in assessment order (all when ``component_ids`` is empty)."""
        if not component_ids:
            return self.components
        wanted = set(component_ids)
        unknown = wanted - {c.id for c in self.components}
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        return tuple(c for c in self.components if c.id in wanted)
