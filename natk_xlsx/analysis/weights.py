"""The assessor's ranking weights and thresholds: the defaults in ``weights.json``, which a file
given with ``natk summarise --weights FILE`` overrides key by key. No I/O beyond reading them."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from natk_xlsx.errors import InputError
from natk_xlsx.spec.model import SEVERITIES

CONFIDENCES = ("high", "medium", "low")
PRIORITIES = ("urgent", "high", "medium", "low", "not_needed")


@dataclass(frozen=True)
class Weights:
    severity: Mapping[str, float]
    urgency: Mapping[str, float]
    urgency_default: float
    confidence: Mapping[str, float]
    per_respondent: float
    respondents_max: float
    per_need: float
    needs_max: float
    confidence_high_respondents: int
    top_ten_min_confidence: str
    chain_lag_years: int
    attrition_alert: float
    fallback_section_min_needs: int
    readiness_min_questions: int
    readiness_min_share: float
    source: str = "defaults"


def _defaults() -> dict[str, Any]:
    text = (Path(__file__).parent / "weights.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _merge(base: dict[str, Any], over: Mapping[str, Any], file: str) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if key.startswith("_"):
            continue
        if key not in base:
            raise InputError(file, f"unknown key '{key}'; use the keys of the defaults "
                             "(natk_xlsx/analysis/weights.json)")
        if isinstance(base[key], dict):
            if not isinstance(value, Mapping) or set(value) - set(base[key]):
                raise InputError(file, f"'{key}' must be an object with some of the keys "
                                 f"{', '.join(base[key])}")
            out[key] = {**base[key], **value}
        else:
            out[key] = value
    return out


def load_weights(path: str | Path | None = None) -> Weights:
    """The defaults, or the defaults overridden by the JSON file ``path``."""
    data = _defaults()
    source = "defaults"
    if path is not None:
        file = str(path)
        try:
            over = json.loads(Path(path).read_text("utf-8"))
        except FileNotFoundError:
            raise InputError(file, "there is no such file") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(file, f"not a readable JSON object ({exc}); write it like "
                             "natk_xlsx/analysis/weights.json") from None
        if not isinstance(over, Mapping):
            raise InputError(file, "must be a JSON object like natk_xlsx/analysis/weights.json")
        data = _merge(data, over, file)
        source = Path(path).name
    try:
        weights = Weights(**{k: v for k, v in data.items() if not k.startswith("_")},
                          source=source)
        numbers = [*weights.severity.values(), *weights.urgency.values(),
                   *weights.confidence.values(), weights.urgency_default,
                   weights.per_respondent, weights.respondents_max, weights.per_need,
                   weights.needs_max, weights.attrition_alert, weights.readiness_min_share]
        ok = (all(isinstance(n, int | float) and not isinstance(n, bool) and math.isfinite(n)
                  for n in numbers)
              and weights.top_ten_min_confidence in CONFIDENCES
              and isinstance(weights.chain_lag_years, int) and weights.chain_lag_years >= 0
              and isinstance(weights.readiness_min_questions, int)
              and weights.readiness_min_questions >= 0 and 0 <= weights.readiness_min_share <= 1
              and set(weights.severity) == set(SEVERITIES))
    except TypeError as exc:
        raise InputError(source, f"weights: {exc}") from None
    if not ok:
        raise InputError(source, "weights must be numbers, top_ten_min_confidence one of "
                         "high, medium, low, chain_lag_years a whole number of years, "
                         "readiness_min_questions a whole number and readiness_min_share a "
                         "share from 0 to 1")
    return weights
