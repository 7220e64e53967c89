"""Sample data: fill generated workbooks as the institutions of a fictional country would.

Used by ``natk demo`` (the whole story on bundled sample data) and by the benchmarks. The answers
are drawn from a country profile (``examples/veridia/profile.json``): how far each component is
developed, a few facts every institution agrees on, and known disagreements. Each institution
answers from that common picture with its own view: it sometimes does not know, leaves a question
blank, sees things more or less favourably than others, or reports different figures.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from natk_xlsx import layout
from natk_xlsx.i18n.interface import counted
from natk_xlsx.outputs.submissions import write_submissions
from natk_xlsx.returns.submission_schema import exclusive_codes
from natk_xlsx.spec.conditions import evaluate
from natk_xlsx.spec.model import Question, Toolkit

SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3, "critical": 4}
PROVIDERS = ("UNODC", "IOM", "UNICEF", "OSCE", "European Union", "ILO", "GIZ",
             "Embassy of Norway", "US Department of State")
EVIDENCE = ("Annual report {year}", "Penal Code, art. {n}", "Internal instruction No. {n}/{year}",
            "Statistics of the Ministry, {year}", "Evaluation report {year}",
            "Minutes of the working group, {year}")
COMMENTS = ("Applies in the capital only.", "Being revised this year.",
            "Figures are estimates.", "Depends on donor funding.",
            "Practice varies between regions.", "Staff turnover is a problem.")


def _rows_by_key(ws: Any) -> dict[str, int]:
    keys: dict[str, int] = {}
    for row in range(1, min(ws.max_row, 5000) + 1):
        key = ws.cell(row=row, column=layout.COL_KEY + 1).value
        if isinstance(key, str):
            keys.setdefault(key, row)
    return keys


def write_answers(blank: Path, target: Path, toolkit: Toolkit, lang: str,
                  answers: Mapping[str, Any], details: Mapping[str, Mapping[str, Any]],
                  tables: Mapping[str, Mapping[str, Any]], cover: Mapping[str, Any]) -> Path:
    """Type answers into a copy of ``blank``: choices as labels of ``lang``, ticks as "Yes",
    statistics as numbers, details and cover fields as given."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(blank)
    meta = {r[0].value: r[1].value for r in wb[layout.META_SHEET].iter_rows(max_col=2)}
    sheets = json.loads(meta.get("sheets") or "{}")
    keys = {cid: _rows_by_key(wb[name]) for cid, name in sheets.items()}
    yes = toolkit.choice_lists["yes_no"].label("yes", lang)
    detail_cols = {"comment": layout.COL_COMMENT, "evidence": layout.COL_EVIDENCE,
                   "priority": layout.COL_PRIORITY, "provided": layout.COL_PROVIDED,
                   "provider": layout.COL_PROVIDER}
    for qid, value in answers.items():
        q = toolkit.question(qid)
        if q.component not in sheets or qid not in keys[q.component]:
            continue
        ws, rows = wb[sheets[q.component]], keys[q.component]
        if q.type == "multiple_choice":
            for code in value:
                ws.cell(rows[f"{qid}|{code}"], layout.COL_ANSWER + 1, yes)
        elif q.type == "stats_table":
            assert q.breakdown is not None
            columns = toolkit.breakdowns[q.breakdown].codes
            for year, row in value.items():
                for code, count in row.items():
                    if f"{qid}|{year}" in rows:
                        ws.cell(rows[f"{qid}|{year}"], layout.COL_ANSWER + 1 + columns.index(code),
                                count)
        elif q.type in ("yes_no", "single_choice"):
            label = toolkit.answer_label(q, value, lang) if value in toolkit.answer_codes(q) \
                else value
            ws.cell(rows[qid], layout.COL_ANSWER + 1, label)
        elif q.type == "date":
            ws.cell(rows[qid], layout.COL_ANSWER + 1, dt.datetime.fromisoformat(value))
        elif q.type == "percentage":
            ws.cell(rows[qid], layout.COL_ANSWER + 1, value / 100)
        else:
            ws.cell(rows[qid], layout.COL_ANSWER + 1, value)
    for qid, fields in details.items():
        q = toolkit.question(qid)
        if q.component not in sheets or qid not in keys[q.component]:
            continue
        ws, row = wb[sheets[q.component]], keys[q.component][qid]
        for name, value in fields.items():
            if name == "priority":
                value = toolkit.choice_lists["priority"].label(value, lang)
            elif name == "provided":
                value = toolkit.choice_lists["yes_no"].label(value, lang)
            ws.cell(row, detail_cols[name] + 1, value)
    for qid, info in tables.items():
        q = toolkit.question(qid)
        if q.component not in sheets:
            continue
        ws, rows = wb[sheets[q.component]], keys[q.component]
        if "source" in info and f"{qid}|source" in rows:
            ws.cell(rows[f"{qid}|source"], layout.COL_ANSWER + 1, info["source"])
        if "reliability" in info and f"{qid}|reliability" in rows:
            ws.cell(rows[f"{qid}|reliability"], layout.COL_ANSWER + 1,
                    toolkit.choice_lists["reliability"].label(info["reliability"], lang))
    for fld, value in cover.items():
        defined = wb.defined_names.get(layout.cover_name(fld))
        if defined is None:
            continue
        (sheet, ref), = list(defined.destinations)
        wb[sheet][ref.replace("$", "")] = value
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


# -- answers from a country profile ----------------------------------------------------------------
class Respondent:
    """One institution answering from the country's common picture, with its own view."""

    def __init__(self, toolkit: Toolkit, profile: Mapping[str, Any], institution: str,
                 kind: str | None, seed: int) -> None:
        self.toolkit = toolkit
        self.profile = profile
        self.institution = institution
        self.kind = kind or ""
        self.rng = random.Random(seed)
        views = profile.get("views", {})
        self.optimism = float(views.get(self.kind, 0.0))
        self.overrides = profile.get("overrides", {}).get(self.kind, {})

    def _country(self, q: Question) -> random.Random:
        """The same stream for every institution: the country's common picture."""
        return random.Random(f"{self.profile.get('seed', 7)}:{q.id}")

    def maturity(self, q: Question) -> float:
        return float(self.profile.get("maturity", {}).get(q.component, 0.5))

    def answer(self, q: Question, answers: Mapping[str, Any]) -> Any:
        if q.id in self.overrides:
            return self.overrides[q.id]
        if q.id in self.profile.get("facts", {}):
            return self.profile["facts"][q.id]
        if q.relevant is not None and not evaluate(q.relevant, answers):
            return None
        r = self.rng.random()
        if q.type != "stats_table" and r < 0.04:
            return None  # left blank
        country = self._country(q)
        codes = list(self.toolkit.answer_codes(q))
        if q.type in ("yes_no", "single_choice"):
            if r < 0.09 and "dont_know" in codes:
                return "dont_know"
            usable = [c for c in codes if c not in ("dont_know", "not_applicable")]
            worst = {c: max((SEVERITY_RANK[rule.severity] for rule in q.needs
                             if evaluate(rule.when, {q.id: c}, q.id)), default=0)
                     for c in usable}
            good = [c for c in usable if worst[c] == 0] or usable
            bad = sorted((c for c in usable if worst[c]), key=lambda c: worst[c])
            level = self.maturity(q) + self.optimism + self.rng.gauss(0, 0.1)
            truth = country.random()
            if not bad or truth < level:
                return good[int(country.random() * len(good))] if q.type == "single_choice" \
                    else good[0]
            # how bad: the milder gaps where the component is half-way there
            return bad[0] if truth < level + 0.25 else bad[-1]
        if q.type == "multiple_choice":
            alone = set(exclusive_codes(self.toolkit, q))  # "None of these", "Don't know"
            usable = [c for c in codes if c not in alone and not c.startswith(("none", "not_"))
                      ] or codes
            chosen = [c for c in usable if country.random() < 0.35 or self.rng.random() < 0.05]
            limit = int(q.constraints.get("max_items", len(usable)))
            return chosen[:limit] or [usable[0]]
        if q.type == "integer":
            high = int(q.constraints.get("max", 60))
            return int(country.randint(0, min(high, 60)) * (1 + self.rng.gauss(0, 0.1)) // 1) \
                if high > 0 else 0
        if q.type == "decimal":
            return round(country.uniform(1, 30) * (1 + self.rng.gauss(0, 0.1)), 1)
        if q.type == "percentage":
            return round(min(100, max(0, country.uniform(10, 90) + self.rng.gauss(0, 8))))
        if q.type == "year":
            low = int(q.constraints.get("min", 2000))
            high = int(q.constraints.get("max", 2025))
            return country.randint(max(low, 2005), min(high, 2025))
        if q.type == "date":
            return dt.date(2024, 1, 1).replace(month=country.randint(1, 12)).isoformat()
        if q.type in ("short_text", "long_text"):  # the question's own answer, else a remark
            answer = self.profile.get("text_answers", {}).get(q.id)
            return answer or self.rng.choice(self.profile.get("texts",
                                                              ["See the attached report."]))
        if q.type == "stats_table":
            return self.table(q, country)
        return None

    def table(self, q: Question, country: random.Random) -> dict[int, dict[str, int]] | None:
        if self.rng.random() < 0.25:
            return None  # not recorded by this institution
        assert q.breakdown is not None
        columns = self.toolkit.breakdowns[q.breakdown].codes
        base = self.profile.get("figures", {}).get(q.indicator or "", 40)
        shares = [country.random() ** 2 for _ in columns]
        total = sum(shares) or 1.0
        out: dict[int, dict[str, int]] = {}
        additive = self.toolkit.breakdowns[q.breakdown].additive
        for i, year in enumerate(self.toolkit.years()):
            # this institution counts differently in some years, the same way in every table of
            # one indicator, so its own tables agree with each other
            own = random.Random(f"{self.institution}:{q.indicator or q.id}:{year}")
            level = base * (1 + 0.12 * i) * (1.25 if own.random() < 0.2 else 1.0)
            row = {code: round(level * share / total) for code, share in zip(columns, shares,
                                                                              strict=True)}
            if additive and row:  # the parts add up to the same total in every breakdown
                biggest = max(row, key=lambda c: row[c])
                row[biggest] += round(level) - sum(row.values())
            row = {c: v for c, v in row.items() if v > 0 or country.random() < 0.3}
            if row:
                out[year] = row
        return out or None

    def details(self, q: Question, value: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        gap = any(evaluate(rule.when, {q.id: value}, q.id) for rule in q.needs) if value else False
        if gap:
            out["priority"] = self.rng.choice(("urgent", "high", "high", "medium"))
            if self.rng.random() < 0.3:
                out["provided"] = "yes"
                out["provider"] = self.rng.choice(PROVIDERS)
            elif self.rng.random() < 0.5:
                out["provided"] = "no"
        elif value and self.rng.random() < 0.1:
            out["priority"] = "not_needed"
        if value and self.rng.random() < 0.25:
            out["evidence"] = self.rng.choice(EVIDENCE).format(
                year=self.rng.randint(2019, 2025), n=self.rng.randint(10, 300))
        if value and self.rng.random() < 0.12:
            out["comment"] = self.rng.choice(COMMENTS)
        return out


def sample_return(toolkit: Toolkit, component_ids: list[str], omitted: set[str],
                  profile: Mapping[str, Any], institution: str, kind: str | None, seed: int
                  ) -> tuple[dict[str, Any], dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """(answers, details, table sources) as ``institution`` would give them."""
    who = Respondent(toolkit, profile, institution, kind, seed)
    answers: dict[str, Any] = {}
    details: dict[str, dict[str, Any]] = {}
    tables: dict[str, dict[str, Any]] = {}
    for cid in component_ids:
        for q in toolkit.component(cid).questions:
            if q.id in omitted:
                continue
            value = who.answer(q, answers)
            if value is None:
                continue
            answers[q.id] = value
            extra = who.details(q, value)
            if extra:
                details[q.id] = extra
            if q.type == "stats_table":
                tables[q.id] = {"source": f"{institution}, case register",
                                "reliability": who.rng.choice(("high", "medium", "medium",
                                                                "low"))}
    return answers, details, tables


def fill_complete(toolkit: Toolkit, blank: Path, target: Path, seed: int = 1,
                  profile: Mapping[str, Any] | None = None) -> Path:
    """Fill every component of ``blank`` (for benchmarks): a plausible complete return."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(blank)
    meta = {r[0].value: r[1].value for r in wb[layout.META_SHEET].iter_rows(max_col=2)}
    wb.close()
    components = [c for c in str(meta["components"]).split(",") if c]
    lang = str(meta.get("language") or "en")
    answers, details, tables = sample_return(toolkit, components, set(), profile or {},
                                             "Ministry of Justice", "ministry_justice", seed)
    cover = {"institution": "Ministry of Justice", "respondent_name": "A. Official",
             "role": "Director", "completion_date": dt.datetime(2026, 3, 2)}
    return write_answers(blank, target, toolkit, lang, answers, details, tables, cover)


# -- the whole story -------------------------------------------------------------------------------
def examples_dir() -> Path:
    """The bundled examples: inside the installed package, or beside it in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "examples", here.parent / "examples"):
        if (candidate / "recipients.csv").is_file():
            return candidate
    from natk_xlsx.errors import InputError

    raise InputError(str(here / "examples"), "the bundled examples are missing; reinstall "
                     "natk-xlsx")


def _note(path: Path, toolkit: Toolkit, noted: Mapping[str, str]) -> None:
    """What an official often does instead of using the Comments column: a note on a figure
    (on the last year of a table), which the reader keeps and reports."""
    import openpyxl
    from openpyxl.comments import Comment

    qid = noted["question"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        row = _rows_by_key(ws).get(layout.row_key(qid, str(toolkit.years()[-1])))
        if row is not None:
            ws.cell(row, layout.COL_ANSWER + 1).comment = Comment(noted["text"], "Head of Unit")
            wb.save(path)
            return


def _break(path: Path) -> None:
    """A return cut off in transit: the first half of its bytes."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def run_demo(toolkit: Toolkit, out_dir: str | Path, say: Any = print,
             jobs: int | None = None) -> dict[str, Any]:
    """Generate the workbooks of a fictional country's institutions, fill them as those
    institutions would (with gaps, disagreements, different figures, one invalid and one broken
    return, one sent twice), check and hand back, import, and write the needs summary."""
    import shutil

    from natk_xlsx.analysis.packages import top_ten
    from natk_xlsx.outputs.summarise import summarise
    from natk_xlsx.returns.annotate import annotate_workbook
    from natk_xlsx.returns.batch import read_files
    from natk_xlsx.workbook.generate import GenerateOptions, generate_for_recipients, load_recipients

    out = Path(out_dir)
    examples = examples_dir()
    profile = json.loads((examples / "veridia" / "profile.json").read_text("utf-8"))
    country = profile.get("country", "Veridia")
    recipients = load_recipients(examples / "recipients.csv", toolkit)
    say(f"1. Generating workbooks for {len(recipients)} institutions of {country} ...")
    options = GenerateOptions(country=country, assessment=f"{country} needs assessment 2026")
    made = generate_for_recipients(toolkit, recipients, out / "workbooks", options)
    say(f"   {len(made)} workbooks in {out / 'workbooks'}")
    say("2. Filling them as the institutions would ...")
    returns = out / "returns"
    if returns.exists():
        shutil.rmtree(returns)
    filled: list[Path] = []
    for i, result in enumerate(made):
        rec = result.recipient
        assert rec is not None
        import openpyxl

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(result.path, read_only=True)
            meta = {r[0]: r[1] for r in wb[layout.META_SHEET].iter_rows(max_col=2, values_only=True)}
            wb.close()
        omitted = {q for q in str(meta.get("omitted_questions") or "").split(",") if q}
        answers, details, tables = sample_return(toolkit, list(result.components), omitted,
                                                 profile, rec.institution, rec.kind, seed=100 + i)
        if rec.kind == profile.get("invalid_return"):
            _spoil(toolkit, result.components, omitted, answers)
        cover = {"institution": rec.institution, "respondent_name": f"Focal point {i + 1}",
                 "role": rec.role or "Focal point", "contact": rec.contact,
                 "completion_date": dt.datetime(2026, 3, 2 + i)}
        target = returns / result.path.name
        write_answers(result.path, target, toolkit, result.language, answers, details, tables,
                      cover)
        filled.append(target)
        noted = profile.get("noted_return") or {}
        if rec.kind == noted.get("kind"):
            _note(target, toolkit, noted)
        if rec.kind == profile.get("sent_twice"):
            copy = returns / (result.path.stem + " (sent again).xlsx")
            shutil.copy(target, copy)
            filled.append(copy)
        if rec.kind == profile.get("broken_return"):
            _break(target)
    say(f"   {len(filled)} returns in {returns} (one cut off in transit, one sent twice, one "
        "with invalid answers)")
    say("3. Checking the returns and handing back what is wrong ...")
    results = read_files(filled, toolkit, jobs=jobs)
    handback = out / "handback"
    for r in results:
        if r.submission is None:
            say(f"   {r.path}: UNUSABLE: {(r.error or '').split(': ', 1)[-1]}")
        elif not r.submission.valid:
            copy = annotate_workbook(r.submission, handback)
            say(f"   {r.path}: {counted(len(r.submission.errors), 'error')}; annotated copy "
                f"{handback / Path(copy).name}")
    say("4. Importing the valid returns ...")
    submissions = out / "submissions"
    imported = sum(1 for item in write_submissions(results, submissions) if item.target)
    say(f"   {imported} submission files in {submissions}")
    say("5. Summarising all returns ...")
    summary = out / "needs_summary.xlsx"
    summary_result = summarise([returns], toolkit, summary,
                               json_path=out / "needs_summary.json", csv_dir=out / "csv",
                               jobs=jobs)
    c = summary_result.consolidation
    say(f"   {counted(len(c.respondents), 'return')} consolidated "
        f"({counted(len(c.duplicates), 'duplicate')} counted once, "
        f"{len(summary_result.unusable)} unusable, the invalid return summarised and flagged on "
        f"the Sources sheet); {counted(len(c.needs), 'need')} in "
        f"{counted(len(c.open_packages), 'package')}, {counted(len(c.conflicts), 'conflict')}")
    for p in top_ten(c.packages, c.weights)[:5]:
        say(f"   {p.id} [{p.severity}, confidence {p.confidence}] {p.title.get('en', '')}")
    say(f"   Summary: {summary}")
    say("6. Writing the draft report ...")
    from natk_xlsx.outputs.draft_report import write_report

    report = write_report([returns], toolkit, out / "report.docx", jobs=jobs,
                          recipients=examples / "recipients.csv",
                          assessment=f"{country} needs assessment 2026").path
    say(f"   Report: {report}")
    return {"summary": summary, "report": report, "needs": len(c.needs),
            "packages": len(c.open_packages), "conflicts": len(c.conflicts),
            "respondents": len(c.respondents), "unusable": len(summary_result.unusable),
            "duplicates": len(c.duplicates), "imported": imported}


def _spoil(toolkit: Toolkit, components: Any, omitted: set[str], answers: dict[str, Any]) -> None:
    """What a hurried respondent types: words in a yes/no cell and in a number cell."""
    spoiled = {"yes_no": "Sometimes", "integer": "about twenty"}
    for cid in components:
        for q in toolkit.component(cid).questions:
            if q.type in spoiled and q.id not in omitted and q.relevant is None:
                answers[q.id] = spoiled.pop(q.type)
            if not spoiled:
                return
