"""Intake: the defences every returned file passes before its data is trusted.

``inspect_file`` — cheap checks on bytes and zip layout (no spreadsheet library);
``read_workbook`` — parse in a memory- and time-limited child process;
``intake_many`` — both, for many files, in parallel children, order kept;
``iter_return_files`` / ``is_temp_or_lock`` — pick the files worth looking at.
docs/intake.md lists what is checked, the limits and the finding codes.
"""

from sheetsync.intake.data import Rejection, SheetData, Value, WorkbookData
from sheetsync.intake.files import is_temp_or_lock, iter_return_files
from sheetsync.intake.inspect import Inspection, inspect_file
from sheetsync.intake.isolate import intake_many, parse_inspected, read_workbook
from sheetsync.intake.limits import Limits
from sheetsync.intake.notes import SEVERITY as CODES

__all__ = [
    "CODES",
    "Inspection",
    "Limits",
    "Rejection",
    "SheetData",
    "Value",
    "WorkbookData",
    "inspect_file",
    "intake_many",
    "is_temp_or_lock",
    "iter_return_files",
    "parse_inspected",
    "read_workbook",
]
