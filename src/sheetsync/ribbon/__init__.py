"""The Excel ribbon add-in (xlwings): button registry, customUI, VBA project writer, handlers.

The add-in is generated, never edited in Excel: :mod:`.buttons` is the single source of truth for
what the tab shows, :mod:`.customui` turns it into ribbon XML, :mod:`.vba` writes the VBA project
from the text sources in ``macros/`` and :mod:`.addin` zips everything into ``sheetsync.xlam``.
Clicks arrive in :mod:`.handlers`, which call the same core functions as the command line.
"""
