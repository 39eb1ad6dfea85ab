"""Drafting the documents that go upward and outward from the roll-up: the 情况报告 and the 通报,
as GB/T 9704 .docx drafts (初稿) for a person to finish.

``draft_report`` / ``draft_notice`` are the library calls; :mod:`.figures` writes figures the way
officials do, :mod:`.compose` drafts the content, :mod:`.gbt9704` lays it out.
"""

from sheetsync.documents.notice import draft_notice
from sheetsync.documents.report import DraftResult, draft_report

__all__ = ["DraftResult", "draft_notice", "draft_report"]
