"""Several levels of the same loop: a township's master derived from the county's (down), and
its roll-up written into the very return the county issued to it (up). docs/levels.md."""

from __future__ import annotations

from sheetsync.levels.derive import DeriveResult, derive_master
from sheetsync.levels.export import ExportResult, export_return

__all__ = ["DeriveResult", "ExportResult", "derive_master", "export_return"]
