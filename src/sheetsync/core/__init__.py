"""Shared concepts every stage asks instead of re-deriving: the data model, the file formats'
vocabulary, and how people write periods, dates, numbers, targets, statuses, addresses and unit
names. Nothing here reads or writes a workbook."""
