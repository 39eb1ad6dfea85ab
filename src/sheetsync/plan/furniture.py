"""Page furniture: the lines a web page or an official-document header adds around the plan.

Plans copied from a government site carry navigation (您当前浏览位置:首页>…), the metadata table
(索引号 … 发布日期 …), share and print links (扫一扫在手机打开当前页, 附件下载), and newspaper pages
carry 上一版/下一版. None of it is plan text; left in, 第01版:一版要闻 or a metadata line could be
read as a heading or a title.
"""

from __future__ import annotations

import re

_PATTERNS = [
    r"^(您|你)?当前(的)?(浏览|所在)?位置",
    r"^首页\s*[>＞»›/]",
    r"[>＞»›]\s*(政务公开|信息公开|政府信息公开|通知公告|政策文件)",
    r"^附件下载", r"^相关附件[:：]?$", r"^扫一扫", r"^用手机扫", r"^分享到", r"^【?打印(本页|此页)?】?",
    r"^【?关闭(窗口|本页)?】?$", r"^(字号|字体)\s*[:：]?\s*【?\s*大\s*中\s*小", r"^【\s*字体", r"^【\s*大\s*中\s*小",
    r"^上一(篇|版|条)", r"^下一(篇|版|条)", r"^(放大\s*)?缩小\s*默认", r"^往期(阅读|回顾)", r"^当前版\s*[:：]",
    r"^标题导航", r"^第\s*\d+\s*版\s*[:：]", r"^责任编辑", r"^(浏览|访问|阅读)(次数|量)", r"^来源\s*[:：]",
    r"^索引号", r"^文\s*号\s", r"^发布(机构|日期|时间)\s*[:：\s]", r"^公开(时限|方式|范围)\s", r"^所属分类\s",
    r"^关\s*键\s*词\s*[:：\s]", r"^主题分类", r"^信息来源", r"^(网站地图|联系我们|版权所有|主办单位\s*[:：])",
    r"ICP\s*备", r"公网安备", r"^★", r"^[（(]\s*此件(公开发布|主动公开|不公开)[^)）]*[)）]$",
    r"^(本版文图|图片)由", r"^[（(]本版.*提供[)）]$",
]
_FURNITURE = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))


def is_furniture(line: str) -> bool:
    """True for navigation, metadata, share/print and page-number lines (short lines only)."""
    s = line.strip()
    if not s:
        return True
    if len(s) > 120:  # furniture is short; a long line is text even if it starts like a link
        return False
    return bool(_FURNITURE.search(s))
