"""Workbook and file plumbing shared by the stages: cell styles and safe text, header search in
hand-made sheets, the roll-up's zip writer, file locks."""
