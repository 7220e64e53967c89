"""natk-xlsx: run a needs assessment of the criminal justice response to trafficking in persons
through Excel workbooks.

The library API (the ``natk`` command is a thin adapter over it)::

    from natk_xlsx import load_toolkit, lint_specs
    toolkit = load_toolkit()            # the bundled toolkit, checked
    report = lint_specs("workbook_specs")

Heavy modules are imported only when a name is first used, so that ``import natk_xlsx`` and
``natk --help`` stay fast.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

# openpyxl parses with lxml whenever lxml is installed (python-docx, for the report, brings it),
# and then not through defusedxml, which the readers rely on to refuse hostile XML with a clear
# error (see returns/outcome.py). Keep openpyxl on defusedxml unless the caller decided otherwise.
os.environ.setdefault("OPENPYXL_LXML", "False")

__version__ = "0.1.0"

_EXPORTS = {
    "load_toolkit": "natk_xlsx.spec.lint",
    "default_specs_dir": "natk_xlsx.spec.loading",
    "lint_specs": "natk_xlsx.spec.lint",
    "LintReport": "natk_xlsx.spec.lint",
    "Problem": "natk_xlsx.errors",
    "Toolkit": "natk_xlsx.spec.model",
    "Component": "natk_xlsx.spec.model",
    "Question": "natk_xlsx.spec.model",
    "NatkError": "natk_xlsx.errors",
    "SpecError": "natk_xlsx.errors",
    "InputError": "natk_xlsx.errors",
    "evaluate": "natk_xlsx.spec.conditions",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'natk_xlsx' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
