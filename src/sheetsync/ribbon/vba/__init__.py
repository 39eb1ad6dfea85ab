"""Writing a VBA project (``vbaProject.bin``) from text, without Excel.

:mod:`.ovba` is the MS-OVBA run-length compression, :mod:`.cfb` the MS-CFB compound file that
holds the streams, and :mod:`.project` the VBA project streams themselves (``dir``, ``PROJECT``,
``PROJECTwm``, ``_VBA_PROJECT`` and one stream per module). The project carries source only —
no compiled "performance cache" — so any Excel version compiles it from the source on first load.
"""
