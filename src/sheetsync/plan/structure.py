"""From paragraphs to plan structure: title, parts, outline nodes with their clauses.

A web compilation can hold several plans one after another (方案篇1, 篇2 …), each numbered from
一、 again; they are kept apart as parts so their tasks do not get mixed up. Everything after an
附件 line is the attachment list and not plan text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sheetsync.core.textnorm import nfkc
from sheetsync.plan.clauses import Clause, extract_inline, is_clause_line, parse_clause_text
from sheetsync.plan.limits import MAX_PLAN_ITEMS, TooManyItems
from sheetsync.plan.outline import Node, OutlineBuilder, continued_marker, marker

_TITLE_END = re.compile(r"(实施方案|工作方案|行动方案|推进方案|方案|工作计划|行动计划|实施意见|实施细则|工作要点)(篇\s*\d+)?$")
_ATTACHMENT = re.compile(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*[:：、.．]?")
_VERB = re.compile(r"^(各|要|并|由|请)|制定|印发|报送|编制|完成|上报|起草|修订")
_NOTICE = re.compile(r"^(关于)?印发|的通知$|》的通知|^中共.*办公室|办公室$")


@dataclass
class Part:
    title: str = ""
    preamble: list[str] = field(default_factory=list)
    roots: list[Node] = field(default_factory=list)
    builder: OutlineBuilder = field(default_factory=OutlineBuilder)

    def nodes(self) -> list[Node]:
        out: list[Node] = []
        for r in self.roots:
            out.extend(r.walk())
        return out


def is_title_line(text: str) -> bool:
    """贺兰县2020年…实施方案 / …工作方案篇3: a short line with no sentence punctuation."""
    s = text.strip()
    if len(s) > 60 or re.search(r"[。，,；;：:！？]", s) or marker(s):
        return False
    return bool(_TITLE_END.search(s)) and not _NOTICE.search(s)


def plan_title(paras: list[str]) -> str:
    """The plan's name: a standalone title line (joined with the line above when it was wrapped),
    else the 《…》 of the 印发 notice."""
    for i, p in enumerate(paras[:80]):
        if marker(p):
            break
        if is_title_line(p):
            title = re.sub(r"篇\s*\d+$", "", p.strip())
            prev = paras[i - 1].strip() if i else ""
            if prev and not re.search(r"[。，,；;：:》]", prev) and len(prev) <= 40 and not _NOTICE.search(prev) \
                    and prev.startswith("关于") and not is_title_line(prev):
                title = prev + title
            return title
    joined = "".join(paras[:20])
    m = re.search(r"《([^《》]{4,80}?(?:方案|计划|意见|细则|要点))》", joined)
    return m.group(1) if m else ""


def region_of(title: str) -> str:
    m = re.match(r"^(?:关于)?([\u4e00-\u9fff]{1,8}?(?:自治县|县|区|市|旗|新区|高新区|开发区))(?=\d|[\u4e00-\u9fff])", title)
    return m.group(1) if m else ""


def year_of(title: str, paras: list[str]) -> int | None:
    for text in (title, *paras[:40]):
        m = re.search(r"((?:19|20)\d{2})\s*年", nfkc(text))
        if m:
            return int(m.group(1))
    return None


def build_parts(paras: list[str], max_items: int = MAX_PLAN_ITEMS) -> list[Part]:
    """Split into parts and build each part's outline, clauses attached to their nodes.

    Raises :class:`TooManyItems` past ``max_items`` numbered items, before the outline of a huge
    file costs more than its refusal.
    """
    parts = [Part()]
    items = 0
    stopped = False
    top_seen: dict[str, int] = {}
    pending = ""
    for index, text in enumerate(paras):
        part = parts[-1]
        if stopped:
            if is_title_line(text):  # a next plan after an attachment list
                stopped = False
                parts.append(Part(title=text))
                top_seen = {}
            continue
        if part.roots and _ATTACHMENT.match(text) and not is_clause_line(text):
            stopped = True
            continue
        if part.roots and is_title_line(text) and not _VERB.search(text):
            parts.append(Part(title=re.sub(r"篇\s*\d+$", "", text)))
            top_seen = {}
            continue
        current = part.builder.current
        if pending:
            text, pending = pending + text, ""
        if is_clause_line(text) and re.search(r"[:：】\]]\s*$", text) and not parse_clause_text(text).has_units:
            pending = text  # 责任单位： with the names on the next line
            continue
        if is_clause_line(text):
            if current is not None:
                current.clauses.append(parse_clause_text(text))
            continue
        m = marker(text) or continued_marker(text, part.builder.stack)
        if m is not None:
            root_kind = part.roots[0].kind if part.roots else None
            if m.kind == root_kind and m.number == 1 and top_seen.get(m.kind, 0) >= 2:
                parts.append(Part())  # numbering restarts at 一、: the next plan of a compilation
                part = parts[-1]
                top_seen = {}
            items += 1
            if items > max_items:
                raise TooManyItems(max_items)
            heading, clauses = extract_inline(m.text)
            node = part.builder.add(m, heading, index)
            node.clauses.extend(clauses)
            if node.parent is None:
                part.roots.append(node)
                if m.number:
                    top_seen[m.kind] = max(top_seen.get(m.kind, 0), m.number)
            continue
        if current is None:
            part.preamble.append(text)
            continue
        body, clauses = extract_inline(text)
        current.clauses.extend(clauses)
        if body:
            current.body.append(body)
    return [p for p in parts if p.roots or p.preamble]


def clause_units(node: Node) -> list[Clause]:
    return [c for c in node.clauses if c.has_units]
