"""Implementation plan (.txt / .md / .docx) → master: tasks, responsible units, phases, targets.

``import_plan(path, existing=None)`` is the one entry point; the modules below it each handle one
part of reading a plan: extract (file → paragraphs/tables), furniture (web page noise), outline
(numbering levels), clauses (责任单位 …), unitnames (groups, short forms, categories), table
(breakdown tables), phases (实施步骤 and deadlines), core (putting it together).
"""

from sheetsync.plan.core import ImportedTask, PlanImport, import_plan

__all__ = ["ImportedTask", "PlanImport", "import_plan"]
