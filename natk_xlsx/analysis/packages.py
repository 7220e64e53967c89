"""Recommendation packages: the needs of one theme form one package, ranked and phased.

A need's theme is its rule's ``theme`` (a code of lists.json's ``themes``, whose label is the
package title); until the specs give themes, the question's section of its component groups them,
and a component's sections with few needs (``fallback_section_min_needs``) form one package of its
other gaps.
A package's priority is the severity of its most severe credible need (confidence medium or high;
when every need rests on one perception, the most severe of them). Priority bands never reorder:
within a band, packages are ordered by the score of ``RANKING`` (weights.json). What must come
first is a column (``after``) and the phase (short, medium, long term: the shortest horizon of
the needs that give the band), never a change of rank. No I/O here.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from natk_xlsx.analysis.needs import Need
from natk_xlsx.analysis.respondents import GROUPS, Respondent, one_per_institution
from natk_xlsx.analysis.weights import CONFIDENCES, Weights
from natk_xlsx.i18n.interface import ui
from natk_xlsx.i18n.languages import UN_LANGUAGES, labelled, tr
from natk_xlsx.spec.model import SEVERITIES, Text, Toolkit

PHASES = ("short", "medium", "long")
#: The phase of a package whose needs give no horizon.
DEFAULT_PHASE = {"critical": "short", "high": "short", "medium": "medium", "low": "long"}


@dataclass
class Package:
    theme: str
    title: Text
    needs: list[Need]  # open needs, most severe first
    addressed: list[Need] = field(default_factory=list)
    responsible: tuple[str, ...] = ()  # respondent kinds that would lead it, from its theme
    id: str = ""
    rank: int = 0
    score: float = 0.0
    severity: str = "low"
    confidence: str = "low"
    phase: str = "medium"
    after: list[str] = field(default_factory=list)  # ids of the packages that must come first

    @property
    def questions(self) -> list[str]:
        return list(dict.fromkeys(n.question.id for n in self.needs))

    @property
    def components(self) -> list[str]:
        return list(dict.fromkeys(n.question.component for n in self.needs))

    @property
    def supporters(self) -> list[Respondent]:
        seen: dict[str, Respondent] = {}
        for n in self.needs:
            for r in n.supporters:
                seen.setdefault(r.key, r)
        return list(seen.values())

    @property
    def voices(self) -> list[Respondent]:
        """The supporting institutions: each once, whatever the returns it sent."""
        return one_per_institution(self.supporters)

    @property
    def groups(self) -> dict[str, int]:
        """Distinct supporting institutions per group."""
        counts = Counter(r.group for r in self.voices)
        return {g: counts[g] for g in GROUPS if counts[g]}

    @property
    def documented(self) -> bool:
        return any(n.documented for n in self.needs)

    @property
    def providers(self) -> list[str]:
        """Who already works on it (the providers respondents named), each once."""
        names: dict[str, None] = {}
        for n in self.needs:
            for _, provider in n.providers:
                if provider.strip():
                    names.setdefault(provider.strip(), None)
        return list(names)

    @property
    def provider_sources(self) -> list[tuple[str, str]]:
        seen: dict[tuple[str, str], None] = {}
        for n in self.needs:
            for who, provider in n.providers:
                seen.setdefault((who, provider), None)
        return list(seen)

    @property
    def assistance(self) -> list[str]:
        return list(dict.fromkeys(a for n in self.needs for a in n.assistance))

    def urgency(self, w: Weights) -> float:
        points = [w.urgency[p] for n in self.needs for p in n.priorities if p in w.urgency]
        return statistics.mean(points) if points else w.urgency_default


def theme_of(toolkit: Toolkit, need: Need, small: frozenset[tuple[str, str]] = frozenset()
             ) -> tuple[str, Text]:
    """The need's theme code and the package title. Without a theme, the question's section
    (``component.section``), or for a section in ``small`` the component's other gaps."""
    code = need.rule.theme
    if code:
        for entry in toolkit.vocabularies.get("themes", ()):
            if entry.code == code:
                return code, entry.label
        return code, {"en": code}
    q = need.question
    component = toolkit.component(q.component)
    if (q.component, q.section) in small:
        return q.component, {lang: ui("summary.package.other", lang, component=tr(
            component.title, lang)) for lang in UN_LANGUAGES}
    for section in component.sections:
        if section.id == q.section:
            title = {lang: labelled(component.title.get(lang, component.title.get("en", "")),
                                    text, lang) for lang, text in section.title.items()}
            return f"{q.component}.{q.section}", title
    return q.component, component.title


#: A theme whose work each institution leads for itself (its own staff and equipment): the
#: responsible bodies are the kinds of the institutions whose answers revealed the needs.
BY_RESPONDENTS = "respondents"
#: At most this many responsible bodies are proposed for a package.
MAX_RESPONSIBLE = 3


def theme_responsible(toolkit: Toolkit, code: str) -> tuple[str, ...] | str:
    """The respondent kinds lists.json names as usually leading the theme's work, or
    ``BY_RESPONDENTS``; () for none."""
    for entry in toolkit.vocabularies.get("themes", ()):
        if entry.code == code:
            named = entry.extra.get("responsible", ())
            return named if named == BY_RESPONDENTS else tuple(named)
    return ()


def _responsible(p: Package, named: tuple[str, ...] | str) -> tuple[str, ...]:
    if named != BY_RESPONDENTS:
        return tuple(named)
    kinds = Counter(r.kind for r in p.supporters if r.kind)
    return tuple(k for k, _ in kinds.most_common(MAX_RESPONSIBLE))


def _credible_severity(needs: Sequence[Need]) -> tuple[str, str]:
    """(severity, confidence) of the package: its most severe credible need."""
    credible = [n for n in needs if n.confidence != "low"] or list(needs)
    worst = min(credible, key=lambda n: SEVERITIES.index(n.severity))
    best = min((n.confidence for n in credible if n.severity == worst.severity),
               key=CONFIDENCES.index)
    return worst.severity, best


def score(p: Package, w: Weights) -> float:
    return round(w.severity[p.severity] + p.urgency(w) + w.confidence[p.confidence]
                 + min(w.respondents_max, w.per_respondent * len(p.voices))
                 + min(w.needs_max, w.per_need * len(p.needs)), 1)


def _phase(p: Package) -> str:
    """The shortest horizon of the needs that give the package its band: its credible needs
    (a short horizon that rests on one contested perception no longer sets the phase)."""
    credible = [n for n in p.needs if n.confidence != "low"] or p.needs
    horizons = [n.horizon for n in credible if n.severity == p.severity and n.horizon in PHASES]
    if horizons:
        return min(horizons, key=lambda h: PHASES.index(h or "medium"))
    return DEFAULT_PHASE[p.severity]


def lead_order(n: Need, position: Mapping[str, int]) -> tuple[bool, int, int, int]:
    """The order of a package's needs: first the one that gives the package its band and
    confidence (the most severe credible need, the most confident of equals), then by severity
    and the questions' order. The summary and the report lead with the first one's action, and
    led with a medium-confidence need's beside the package's "Confidence: high"."""
    return (n.confidence == "low", SEVERITIES.index(n.severity),
            CONFIDENCES.index(n.confidence), position[n.question.id])


def build_packages(toolkit: Toolkit, needs: Sequence[Need], w: Weights) -> list[Package]:
    """Group the needs into packages, rank them (bands never mix) and phase them."""
    order = {q.id: i for i, q in enumerate(toolkit.questions())}
    sections = Counter((n.question.component, n.question.section) for n in needs
                       if not n.rule.theme)
    small = frozenset(s for s, k in sections.items() if k < w.fallback_section_min_needs)
    groups: dict[str, Package] = {}
    for need in sorted(needs, key=lambda n: lead_order(n, order)):
        code, title = theme_of(toolkit, need, small)
        package = groups.setdefault(code, Package(code, title, []))
        (package.needs if need.status == "open" else package.addressed).append(need)
    packages = list(groups.values())
    live = [p for p in packages if p.needs]
    for p in live:
        p.responsible = _responsible(p, theme_responsible(toolkit, p.theme))
        p.severity, p.confidence = _credible_severity(p.needs)
        p.score = score(p, w)
        p.phase = _phase(p)
    live.sort(key=lambda p: (SEVERITIES.index(p.severity), -p.score,
                             min(order[q] for q in p.questions)))
    for i, p in enumerate(live, start=1):
        p.rank = i
        p.id = f"P{i:02d}"
    done = [p for p in packages if not p.needs]
    for i, p in enumerate(done, start=len(live) + 1):
        p.id = f"P{i:02d}"
    for p in packages:
        for n in p.needs + p.addressed:
            n.package = p.id
        for n in p.needs:
            n.rank = p.rank
    _sequence(live)
    return live + done


def _sequence(packages: Sequence[Package]) -> None:
    """``after``: the packages holding a question a need depends on; a package's phase is never
    earlier than the phase of what must come before it. Ranks do not change."""
    holder: Mapping[str, Package] = {q: p for p in packages for q in p.questions}
    for p in packages:
        for n in p.needs:
            for dep in n.depends_on:
                first = holder.get(dep)
                if first is not None and first is not p and first.id not in p.after:
                    p.after.append(first.id)
    for _ in range(len(packages)):
        changed = False
        by_id = {p.id: p for p in packages}
        for p in packages:
            for pid in p.after:
                before = by_id[pid].phase
                if PHASES.index(before) > PHASES.index(p.phase):
                    p.phase = before
                    changed = True
        if not changed:
            break


#: The packages of the executive summary at most.
TOP_TEN = 10


def top_ten(packages: Sequence[Package], w: Weights) -> list[Package]:
    """The ten highest-ranked packages whose confidence reaches the threshold: a package resting
    on one perception never reaches the executive summary's top ten."""
    limit = CONFIDENCES.index(w.top_ten_min_confidence)
    return [p for p in packages if p.rank and CONFIDENCES.index(p.confidence) <= limit][:TOP_TEN]
