"""sheetsync: plan → master → per-unit workbooks → returns → checked roll-up → email.

The library is the product; the click CLI (``sheetsync.cli``) and the xlwings ribbon
(``sheetsync.ribbon``) are thin front-ends over the functions exported here. Imports are
lazy so that ``sheetsync --help`` and ribbon clicks start fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it (resolved on first access)
_EXPORTS = {
    "Master": "sheetsync.core.model",
    "Task": "sheetsync.core.model",
    "Unit": "sheetsync.core.model",
    "Phase": "sheetsync.core.model",
    "Finding": "sheetsync.core.model",
    "read_master": "sheetsync.master.workbook",
    "write_master": "sheetsync.master.workbook",
    "new_master": "sheetsync.master.workbook",
    "check_master": "sheetsync.master.check",
    "annotate_master": "sheetsync.master.check",
    "UnitRegistry": "sheetsync.core.units",
    "build_demo": "sheetsync.demo.run",
    "import_plan": "sheetsync.plan",
    "split_master": "sheetsync.split.workbook",
    "merge_returns": "sheetsync.merge",
    "history": "sheetsync.rollup.trend",
    "schedule": "sheetsync.core.calendar",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sheetsync' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = sorted(_EXPORTS) + ["__version__"]
