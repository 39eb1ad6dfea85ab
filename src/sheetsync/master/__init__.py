"""The master workbook (任务分解表): read it, write it, check it.

``from sheetsync.master import read_master`` is the way in; the modules are ``workbook`` (read and
write), ``check`` (findings and the annotated copy) and ``template`` (the shipped empty masters)."""

from sheetsync.master.workbook import new_master, read_master, write_master

__all__ = ["new_master", "read_master", "write_master"]
