"""Split: the master → one protected return workbook per unit, a distribution list, a manifest."""

from sheetsync.split.workbook import split_master

__all__ = ["split_master"]
