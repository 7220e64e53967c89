"""Lint of the translations: completeness per language, published languages complete."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from natk_xlsx.i18n.languages import UN_LANGUAGES
from natk_xlsx.spec.lint_report import Checker, LanguageStats, LintReport
from natk_xlsx.spec.loading import MANIFEST_FILE


def _is_text(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and all(k in UN_LANGUAGES for k in value)
        and all(isinstance(v, str) for v in value.values())
    )


def text_maps(doc: Any, path: str = "$") -> Iterator[tuple[str, Mapping[str, str]]]:
    """Every text a person reads in a spec document, with its JSON path."""
    if _is_text(doc):
        yield path, doc
    elif isinstance(doc, dict):
        for key, value in doc.items():
            if key != "$schema":
                yield from text_maps(value, f"{path}.{key}")
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from text_maps(value, f"{path}[{i}]")


Missing = dict[str, dict[str, list[str]]]  # language → file → JSON paths of untranslated texts


def check_translations(documents: Mapping[str, Any], check: Checker) -> Missing:
    """Count translated texts per language; return what is missing, for the published check."""
    totals: Counter[str] = Counter()
    translated: Counter[str] = Counter()
    missing: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, doc in documents.items():
        for path, text in text_maps(doc):
            for lang in UN_LANGUAGES:
                totals[lang] += 1
                if text.get(lang, "").strip():
                    translated[lang] += 1
                else:
                    missing[lang][name].append(path)
    check.report.languages = [
        LanguageStats(lang, totals[lang], translated[lang], False) for lang in UN_LANGUAGES
    ]
    return missing


def check_translations_published(
    report: LintReport, manifest: dict[str, Any], missing: Missing, check: Checker
) -> None:
    published = set(manifest["languages"]) | {manifest["source_language"]}
    report.languages = [
        LanguageStats(s.lang, s.texts, s.translated, s.lang in published) for s in report.languages
    ]
    for lang in UN_LANGUAGES:
        if lang not in published:
            continue
        for file, paths in sorted(missing.get(lang, {}).items()):
            shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
            check.error("SPEC-TRANSLATION", file, paths[0],
                        f"{len(paths)} text(s) have no {lang} version although {lang} is published: "
                        f"{shown}", f"translate them or remove '{lang}' from languages in "
                        f"{MANIFEST_FILE}")

