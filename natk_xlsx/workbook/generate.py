"""Generating questionnaire workbooks: one for the whole toolkit, or one per recipient.

This module decides what goes in each workbook (components, language, cover, identity); the writer
renders it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from natk_xlsx import __version__, layout
from natk_xlsx.alongside import in_two
from natk_xlsx.errors import InputError, NatkError, UsageError
from natk_xlsx.i18n.languages import UN_LANGUAGES
from natk_xlsx.safeio import atomic_path, writing
from natk_xlsx.spec.burden import DEPTHS, select_questions
from natk_xlsx.spec.conditions import referenced_questions
from natk_xlsx.spec.model import Component, Toolkit
from natk_xlsx.tabular import read_rows
from natk_xlsx.workbook.plan import plan_sheet

#: Creation date written into reproducible builds (``generated/``), so they are byte-identical.
REPRODUCIBLE_DATE = dt.datetime(2026, 1, 1, 0, 0, 0)
_ID_NAMESPACE = uuid.UUID("6f1c9d2e-3b7a-4f0e-9a55-2d8e1c4b7a10")


@dataclass(frozen=True)
class Recipient:
    """One institution that receives a workbook."""

    institution: str
    kind: str | None = None
    contact: str = ""
    respondent_name: str = ""
    role: str = ""
    components: tuple[str, ...] = ()
    language: str | None = None


@dataclass(frozen=True)
class GeneratedWorkbook:
    path: Path
    workbook_id: str
    language: str
    components: tuple[str, ...]
    questions: int
    recipient: Recipient | None = None
    #: Components asked for that the workbook has not: none of their questions is meant for
    #: the recipient's kind at the depth chosen.
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class GenerateOptions:
    """What to build; defaults give the complete toolkit in the source language."""

    components: Sequence[str] = ()
    lang: str | None = None
    country: str = ""
    assessment: str = ""
    period: tuple[int, int] | None = None
    reproducible: bool = False
    #: "full" (every question) or "core" (the questions marked depth core, for a first or light
    #: assessment).
    depth: str = "full"
    #: Where the returns go (an address, a deadline), said in the instructions.
    return_to: str = ""
    extra_metadata: dict[str, str] = field(default_factory=dict)


def check_language(toolkit: Toolkit, lang: str) -> str:
    if lang not in UN_LANGUAGES:
        raise UsageError(f"unknown language '{lang}'; use one of {', '.join(UN_LANGUAGES)}")
    if lang not in toolkit.languages:
        raise UsageError(
            f"the toolkit is not yet published in '{lang}' (published: "
            f"{', '.join(toolkit.languages)}); run 'natk specs check' to see how far its "
            "translation has got"
        )
    return lang


def choose_components(toolkit: Toolkit, ids: Sequence[str]) -> tuple[Component, ...]:
    try:
        return toolkit.select(list(ids))
    except KeyError as exc:
        known = ", ".join(c.id for c in toolkit.components)
        raise UsageError(f"no component {exc.args[0]} in the toolkit; choose from {known}") from None


def parse_period(text: str) -> tuple[int, int]:
    """``2021-2025`` → (2021, 2025)."""
    match = re.fullmatch(r"\s*(\d{4})\s*[-–:]\s*(\d{4})\s*", text)
    if not match:
        raise UsageError(f"'{text}' is not a reference period; write it as FIRST-LAST, e.g. 2021-2025")
    first, last = int(match.group(1)), int(match.group(2))
    if first > last or last - first >= 20:
        raise UsageError(f"'{text}': the period must run forwards and span at most 20 years")
    return first, last


def _wanted(opts: GenerateOptions, recipient: Recipient | None) -> Sequence[str]:
    """The component ids asked for: the recipient's own, else the options' (none: all)."""
    return recipient.components if recipient and recipient.components else opts.components


def workbook_contents(toolkit: Toolkit, opts: GenerateOptions, recipient: Recipient | None
                      ) -> tuple[tuple[Component, ...], list[str]]:
    """The components of a recipient's workbook, each with the questions meant for its kind
    at the depth chosen, and the ids of the questions so left out. ``NatkError`` when no
    question is left."""
    components = choose_components(toolkit, _wanted(opts, recipient))
    kind = recipient.kind if recipient else None
    omitted: list[str] = []
    if kind is not None:
        tailored = [tailor(c, kind) for c in components]
        omitted = [q.id for c, t in zip(components, tailored, strict=True)
                   for q in c.questions if q not in t.questions]
        components = tuple(t for t in tailored if t.questions)
        if not components:
            raise NatkError(f"no question of the chosen components is meant for respondents of "
                            f"kind '{kind}'; choose other components")
    if opts.depth not in DEPTHS:
        raise UsageError(f"unknown depth '{opts.depth}'; use one of {', '.join(DEPTHS)}")
    if opts.depth != "full":
        shallow = [c._replace(questions=select_questions(c, None, opts.depth)) for c in components]
        omitted += [q.id for c, t in zip(components, shallow, strict=True)
                    for q in c.questions if q not in t.questions]
        components = tuple(t for t in shallow if t.questions)
        if not components:
            raise NatkError(f"no question of the chosen components belongs to the "
                            f"{opts.depth} depth; choose other components or the full depth")
    return components, omitted


def generate_workbook(
    toolkit: Toolkit,
    output: str | Path,
    options: GenerateOptions | None = None,
    recipient: Recipient | None = None,
) -> GeneratedWorkbook:
    """Build one workbook at ``output`` (a file path ending in .xlsx)."""
    from natk_xlsx.workbook.writer import Cover, WorkbookSpec, write_workbook

    opts = options or GenerateOptions()
    lang = check_language(toolkit, (recipient and recipient.language) or opts.lang
                          or toolkit.source_language)
    components, omitted = workbook_contents(toolkit, opts, recipient)
    kind = recipient.kind if recipient else None
    institution = recipient.institution if recipient else ""
    first, last = opts.period or toolkit.reference_period
    years = tuple(range(first, last + 1))
    plans = [plan_sheet(toolkit, c, lang, years) for c in components]
    created = REPRODUCIBLE_DATE if opts.reproducible else dt.datetime.now().replace(microsecond=0)
    workbook_id = _workbook_id(toolkit, lang, components, opts, recipient)
    metadata = {
        "toolkit_id": toolkit.id,
        "toolkit_version": toolkit.version,
        "spec_hash": toolkit.spec_hash,
        "layout_version": layout.LAYOUT_VERSION,
        "language": lang,
        "components": ",".join(c.id for c in components),
        "sheets": json.dumps({p.component.id: p.sheet_name for p in plans}, ensure_ascii=False),
        "workbook_id": workbook_id,
        "generator": "natk-xlsx",
        "generator_version": __version__,
        "created": created.isoformat(),
        "reference_period": f"{first}-{last}",
        "percentage_storage": "fraction",
        "country": opts.country,
        "assessment": opts.assessment,
        "institution": institution,
        "respondent_kind": kind or "",
        "omitted_questions": ",".join(omitted),
        "depth": opts.depth,
        "return_to": opts.return_to,
        **opts.extra_metadata,
    }
    cover = Cover(
        assessment=opts.assessment,
        country=opts.country,
        institution=institution,
        respondent_name=recipient.respondent_name if recipient else "",
        role=recipient.role if recipient else "",
        contact=recipient.contact if recipient else "",
    )
    path = Path(output)
    with writing(path, "the workbook"), atomic_path(path) as temp:
        write_workbook(str(temp), WorkbookSpec(toolkit, plans, lang, years, cover, metadata,
                                               created))
    kept = tuple(c.id for c in components)
    return GeneratedWorkbook(path, workbook_id, lang, kept,
                             sum(len(c.questions) for c in components), recipient,
                             tuple(c for c in _wanted(opts, recipient) if c not in kept))


def tailor(component: Component, kind: str) -> Component:
    """The component as a respondent of ``kind`` sees it: without the questions whose own
    respondents exclude that kind, unless a question it keeps depends on them."""
    keep = [q for q in component.questions if not q.respondents or kind in q.respondents]
    needed: set[str] = set()
    for q in keep:
        if q.relevant is not None:
            needed |= referenced_questions(q.relevant)
    changed = True
    while changed:  # a kept dependency may itself depend on an omitted question
        changed = False
        for q in component.questions:
            if q.id in needed and q not in keep:
                keep.append(q)
                if q.relevant is not None:
                    needed |= referenced_questions(q.relevant)
                changed = True
    kept_ids = {q.id for q in keep}
    return component._replace(questions=tuple(q for q in component.questions if q.id in kept_ids))


def _workbook_id(toolkit: Toolkit, lang: str, components: Sequence[Component],
                 opts: GenerateOptions, recipient: Recipient | None) -> str:
    if not opts.reproducible:
        return str(uuid.uuid4())
    seed = "/".join([toolkit.id, toolkit.version, toolkit.spec_hash, lang,
                     ",".join(c.id for c in components), opts.country,
                     recipient.institution if recipient else ""])
    return str(uuid.uuid5(_ID_NAMESPACE, seed))


# -- recipients ----------------------------------------------------------------------------------
RECIPIENT_FIELDS = ("institution", "kind", "contact", "respondent_name", "role", "components",
                    "language")


def load_recipients(path: str | Path, toolkit: Toolkit) -> list[Recipient]:
    """Read a recipients file (CSV with a header row, or JSON: a list of objects)."""
    file = Path(path)
    rows = read_rows(file, "recipients", "recipients", "institution")
    recipients = [_recipient(file, where, row, toolkit) for where, row in rows]
    if not recipients:
        raise InputError(str(file), "lists no recipients")
    return recipients


def _recipient(file: Path, where: str, row: dict[str, Any], toolkit: Toolkit) -> Recipient:
    def text(key: str) -> str:
        value = row.get(key)
        if isinstance(value, list):
            return ";".join(str(v) for v in value)
        return "" if value is None else str(value).strip()

    unknown = [k for k in row if k not in RECIPIENT_FIELDS and k]
    if unknown:
        raise InputError(str(file), f"{where}: unknown column(s) {', '.join(unknown)}; use "
                         + ", ".join(RECIPIENT_FIELDS))
    institution = text("institution")
    if not institution:
        raise InputError(str(file), f"{where}: the institution is missing; every recipient "
                         "needs one")
    kind = text("kind") or None
    kinds = [e.code for e in toolkit.vocabularies["respondent_kinds"]]
    if kind is not None and kind not in kinds:
        raise InputError(str(file), f"{where}: unknown kind '{kind}'; use one of "
                         + ", ".join(kinds))
    components = tuple(c for c in re.split(r"[;,\s]+", text("components")) if c)
    known = [c.id for c in toolkit.components]
    bad = [c for c in components if c not in known]
    if bad:
        raise InputError(str(file), f"{where}: unknown component(s) {', '.join(bad)}; use "
                         + ", ".join(known))
    if not components and kind is not None:
        components = tuple(c.id for c in toolkit.components if kind in c.respondents)
        if not components:
            raise InputError(str(file), f"{where}: no component is meant for kind '{kind}'; "
                             "list the components in the 'components' column")
    language = text("language") or None
    if language is not None and language not in UN_LANGUAGES:
        raise InputError(str(file), f"{where}: unknown language '{language}'; use one of "
                         + ", ".join(UN_LANGUAGES))
    return Recipient(institution, kind, text("contact"), text("respondent_name"), text("role"),
                     components, language)


_UNSAFE = re.compile(r"[^\w\-]+", re.UNICODE)


def safe_file_stem(text: str, limit: int = 60) -> str:
    """A file-name-safe stem: letters (any script), digits and hyphens."""
    normal = unicodedata.normalize("NFKC", text).strip().lower()
    stem = _UNSAFE.sub("-", normal).strip("-_")
    stem = re.sub(r"-{2,}", "-", stem)[:limit].strip("-_")
    return stem or "recipient"


def limit_recipients(toolkit: Toolkit, recipients: Sequence[Recipient], opts: GenerateOptions
                     ) -> tuple[dict[int, Recipient], list[tuple[Recipient, str]]]:
    """The recipients that get a workbook, by their number in the list (from 1), each with
    only those of the components of ``opts`` meant for it (its own 'components', or its
    kind's); and the others, each with why it gets none (their numbers are not used, so that
    every workbook keeps the name it has in a run for all)."""
    ids = opts.components
    choose_components(toolkit, ids)  # a component mistyped is said, as without recipients
    kept: dict[int, Recipient] = {}
    none: list[tuple[Recipient, str]] = []
    for number, recipient in enumerate(recipients, start=1):
        chosen = tuple(c for c in recipient.components if c in ids)
        if ids and recipient.components and not chosen:
            none.append((recipient, f"none of the components of -c {','.join(ids)} is meant "
                                    "for it ('components' or 'kind' in its row)"))
            continue
        if chosen:
            recipient = replace(recipient, components=chosen)
        try:
            workbook_contents(toolkit, opts, recipient)
        except NatkError as exc:  # its kind, or the depth, leaves it no question
            none.append((recipient, str(exc)))
            continue
        kept[number] = recipient
    return kept, none


def generate_for_recipients(
    toolkit: Toolkit, recipients: Sequence[Recipient] | Mapping[int, Recipient],
    out_dir: str | Path, options: GenerateOptions | None = None,
) -> list[GeneratedWorkbook]:
    """One workbook per recipient in ``out_dir``, named after the recipient and its number in
    the list (the keys of ``recipients`` when they are given, as ``limit_recipients`` does)."""
    folder = Path(out_dir)
    opts = options or GenerateOptions()
    calls = []
    used: set[str] = set()
    numbered = (recipients.items() if isinstance(recipients, Mapping)
                else enumerate(recipients, start=1))
    for i, recipient in numbered:
        lang = recipient.language or opts.lang or toolkit.source_language
        stem = f"{i:02d}-{safe_file_stem(recipient.institution)}-{lang}"
        while stem in used:
            stem += "-x"
        used.add(stem)
        calls.append(partial(generate_workbook, toolkit, folder / f"{stem}.xlsx", opts,
                             recipient))
    return in_two(calls)


def generated_file_name(toolkit: Toolkit, lang: str) -> str:
    return f"{toolkit.id}-{toolkit.version}-{lang}.xlsx"


def build_generated(toolkit: Toolkit, out_dir: str | Path) -> list[GeneratedWorkbook]:
    """The ready-to-send blank workbook of the complete toolkit, one per published language,
    byte-reproducible (``generated/`` in the repository)."""
    return generate_languages(toolkit, out_dir, GenerateOptions(reproducible=True))


def generate_languages(toolkit: Toolkit, out_dir: str | Path,
                       options: GenerateOptions) -> list[GeneratedWorkbook]:
    """One workbook per published language in ``out_dir``, each named after its language
    (``generated_file_name``), with ``options`` but for the language."""
    folder = Path(out_dir)
    return in_two([partial(generate_workbook, toolkit, folder / generated_file_name(toolkit, code),
                           replace(options, lang=code)) for code in toolkit.languages])
