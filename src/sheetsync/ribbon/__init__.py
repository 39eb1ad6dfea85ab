"""The Excel ribbon add-in (xlwings): button registry, customUI, VBA project writer, handlers.

The add-in is generated, never edited in Excel: :mod:`.buttons` is the single source of truth for
what the tab shows, :mod:`.customui` turns it into ribbon XML, :mod:`.vba` writes the VBA project
from the text sources in ``macros/`` and :mod:`.addin` zips everything into ``sheetsync.xlam``.
Clicks arrive in :mod:`.handlers` (dispatch, reading the open workbook, 校验主表, 生成填报表, help,
settings), :mod:`.import_plan`, :mod:`.rollup_buttons` (合并回收表, 标注缺口, 刷新总览) and
:mod:`.mail_buttons` (发送填报表, 催报, 报送汇总); each calls the same core function as the command
line and shows the result through :mod:`.sheets` (our results sheets, fills, notes).
"""
