"""Issue 17: an output path running through a file, or naming a folder, is a message for every
command (the path, what to do, exit 2), never a traceback; the master and ledger are untouched.

Real parts: the robustness county's master and real returns, the real CLI in a real process.
"""

from __future__ import annotations

import pytest

from helpers.robustness import assert_ledger_sound, run_cli, sha
from helpers.robustness_county import GOOD, County, Issued, issue, make_county


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Issued:
    return issue(tmp_path_factory.mktemp("issued"))


@pytest.fixture(scope="module")
def county(issued: Issued, tmp_path_factory: pytest.TempPathFactory) -> County:
    county = make_county(issued, tmp_path_factory.mktemp("outputs") / "county")
    county.merge()  # a roll-up and a ledger for report / notice
    (county.root / "一个文件").write_text("not a folder", encoding="utf-8")
    return county


# each command with its output under the file "一个文件"
COMMANDS = {
    "new": lambda c, o: ["new", o / "x.xlsx"],
    "check --annotate": lambda c, o: ["check", c.master, "--annotate", o / "a.xlsx"],
    "split": lambda c, o: ["split", c.master, "-o", o / "发"],
    "schedule": lambda c, o: ["schedule", c.master, "--year", "2026", "-o", o / "s.xlsx"],
    "derive": lambda c, o: ["derive", c.master, "--unit", next(iter(GOOD)), "-o", o / "c.xlsx"],
    "report": lambda c, o: ["report", c.out, "-o", o / "r.docx"],
    "notice": lambda c, o: ["notice", c.out, "-o", o / "n.docx"],
    "merge": lambda c, o: ["merge", c.master, c.inbox, "-o", o / "r.xlsx"],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_output_folder_that_is_a_file_is_a_message(county: County, command: str, lang: str) -> None:
    blocker = county.root / "一个文件"
    before = sha(county.master), sha(county.db), sha(county.out)
    proc = run_cli(*COMMANDS[command](county, blocker), lang=lang)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert str(blocker) in proc.stderr
    assert ("另选" in proc.stderr) if lang == "zh" else ("Choose another" in proc.stderr)
    assert (sha(county.master), sha(county.db), sha(county.out)) == before
    assert_ledger_sound(county.db)


def test_an_output_file_that_is_a_folder_is_a_message(county: County) -> None:
    folder = county.root / "已有文件夹.docx"
    folder.mkdir(exist_ok=True)
    proc = run_cli("report", county.out, "-o", folder)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert str(folder) in proc.stderr and "文件夹" in proc.stderr
    assert folder.is_dir() and not any(folder.iterdir())


@pytest.mark.parametrize("command", ["new", "report"])
def test_an_output_name_near_the_file_systems_limit_is_written(county: County, command: str) -> None:
    """A legal 245-byte name: the temporary file beside it must not go over 255 bytes."""
    folder = county.root / f"长名-{command}"
    folder.mkdir(exist_ok=True)
    out = folder / ("县" * 80 + (".xlsx" if command == "new" else ".docx"))
    assert len(out.name.encode("utf-8")) == 245
    proc = run_cli(*(["new", out] if command == "new" else ["report", county.out, "-o", out]))
    assert proc.returncode == 0, proc.stderr
    assert out.is_file() and [p.name for p in folder.iterdir()] == [out.name]  # no temporary file left
