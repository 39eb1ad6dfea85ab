"""Regenerate the empty master templates shipped in ``xlsx/``: ``python -m sheetsync.master.template``."""

from __future__ import annotations

from sheetsync.master.workbook import new_master, template_path

if __name__ == "__main__":
    for lang in ("zh", "en"):
        print(new_master(template_path(lang), lang=lang, force=True))
