"""Returned files, from the folder they were dropped in to rows the ledger records: ``inbox``
(workbooks, saved emails, zip archives) → intake's checks in the parser children → ``read`` (a
workbook against the master)."""
