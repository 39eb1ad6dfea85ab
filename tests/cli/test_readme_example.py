"""The README's "As a library" example runs as written, on the demo county's files."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_example() -> str:
    section = README.read_text(encoding="utf-8").split("### As a library", 1)[1]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_the_library_example_runs(demo, tmp_path: Path) -> None:
    folder, _ = demo
    # the file names the example uses, filled from the demo (only names change)
    shutil.copy(folder / "示例县_任务分解表.xlsx", tmp_path / "任务分解表.xlsx")
    shutil.copytree(folder / "回收文件", tmp_path / "回收")
    proc = subprocess.run([sys.executable, "-c", readme_example()], cwd=tmp_path, capture_output=True, text=True,
                          encoding="utf-8", env={"PATH": "", "SHEETSYNC_LANG": "zh", "PYTHONPATH": ":".join(sys.path)})
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "汇总表.xlsx").is_file()
    assert len(list((tmp_path / "下发").glob("*.xlsx"))) > 50
    assert "回收文件" in proc.stdout and "units_expected" in proc.stdout
