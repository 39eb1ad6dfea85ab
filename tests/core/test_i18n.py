"""Every message exists in both languages with the same placeholders; English really switches."""

from __future__ import annotations

import string
import subprocess
import sys

from sheetsync.i18n import catalog, set_lang, t


def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_message_has_both_languages_with_the_same_fields() -> None:
    from sheetsync.mail.templates import PLACEHOLDERS  # mail templates name their fields in Chinese

    cat = catalog()
    assert len(cat) > 300
    for key, (zh, en) in cat.items():
        assert zh.strip() and en.strip(), key
        assert {PLACEHOLDERS.get(f, f) for f in fields(zh)} == fields(en), key
        assert zh == en or any(ch >= "\u3000" for ch in zh), key  # CJK text or punctuation


def test_language_switch() -> None:
    try:
        set_lang("en")
        assert t("merge.gap.not_reported") == "Not reported"
        set_lang("zh")
        assert t("merge.gap.not_reported") == "未报送"
    finally:
        set_lang(None)


def test_cli_help_in_both_languages() -> None:
    zh = subprocess.run([sys.executable, "-m", "sheetsync.cli", "--help"], capture_output=True, text=True,
                        env={"SHEETSYNC_LANG": "zh", "PATH": ""})
    en = subprocess.run([sys.executable, "-m", "sheetsync.cli", "--lang", "en", "--help"], capture_output=True, text=True)
    assert zh.returncode == 0 and "合并回收表" in zh.stdout
    assert en.returncode == 0 and "Merge returns into the roll-up" in en.stdout
