"""Plans whose outline was run together into one paragraph by a web copy.

Some sites strip a plan's paragraph breaks: "…制定以下工作计划:一、成立组织,加强领导为切实做好…。
二、明确工作目标通过…。三、活动计划1、大力开展…。 2、在创建…". Every number is still there and in
order; this puts each back at the start of a paragraph, so the outline reads the plan as it reads
any other.

Only a paragraph that does not start with a marker and holds a run of top-level markers (一、…二、…)
is split — a plan body, not a task's own text listing （1）（2） inline, which stays as it is. It is
cut at every run of two or more markers of one style numbered 1, 2, 3… in order, each after the
first preceded by a sentence end or a space. Markers inside quotes or brackets, 第一, and 1.2-style
numbers are never cut at.
"""

from __future__ import annotations

import re

from sheetsync.plan.outline import marker

MIN_CHARS = 120  # a heading with its text is longer than this before it is worth a look
_CANDIDATE = re.compile(r"[一二三四五六七八九十]{1,3}\s*[、.．]|[（(]\s*[一二三四五六七八九十0-9０-９]{1,3}\s*[)）]"
                        r"|[0-9０-９]{1,2}\s*(?:[、．]|\.(?![0-9]))|[①-⑳㈠-㈩]")
_KINDS = {"cn", "cn_paren", "num", "num_paren", "circled"}
_BOUNDARY = set("。；;！？!?：:）) \u3000")  # a 责任单位 bracket can end an item
_OPEN, _CLOSE = "“‘《〔【[［", "”’》〕】]］"


def split_run_together(paras: list[str]) -> list[str]:
    """``paras`` with each run-together plan body cut at its markers."""
    out: list[str] = []
    for p in paras:
        out.extend(_split(p) if len(p) >= MIN_CHARS and marker(p) is None else [p])
    return out


def _split(p: str) -> list[str]:
    cands = _candidates(p)
    cuts = _chained(cands)
    kinds = {kind for pos, kind, _n, _b in cands if pos in cuts}
    if "cn" not in kinds:  # no 一、二、 run: an item's own list ("具体包括：（1）…（2）…"), not a plan body
        return [p]
    pieces = [p[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(p)], strict=True)]
    return [x for x in pieces if x]


def _candidates(p: str) -> list[tuple[int, str, int, bool]]:
    """(position, marker kind, number, boundary before it) of each marker-like spot not at the
    start, outside quotes and book-title marks."""
    depth_at = _depths(p)
    out = []
    for m in _CANDIDATE.finditer(p):
        pos = m.start()
        if pos == 0 or depth_at[pos]:
            continue
        mk = marker(p[pos:])
        if mk is None or mk.kind not in _KINDS or mk.number is None:
            continue
        out.append((pos, mk.kind, mk.number, p[pos - 1] in _BOUNDARY))
    return out


def _depths(p: str) -> list[int]:
    depth, out = 0, []
    for ch in p:
        out.append(depth)
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
    return out


def _chained(cands: list[tuple[int, str, int, bool]]) -> list[int]:
    """Positions of the markers that belong to a run 1, 2, … (two or more) of their style. A 1
    may follow anything (三、活动计划1、…); a later number needs a boundary before it, or a
    marker of another style just before it (（二）加强宣传4.广泛开展…: numbering that runs on
    across sections)."""
    runs: dict[str, list[int]] = {}  # kind -> positions of the run being read
    kept: list[int] = []
    previous = ""
    for pos, kind, number, boundary in cands:
        run = runs.get(kind, [])
        if number == 1:
            if len(run) >= 2:
                kept.extend(run)
            runs[kind] = [pos]
        elif run and (boundary or previous not in ("", kind)) and number == len(run) + 1:
            run.append(pos)
        previous = kind
    for run in runs.values():
        if len(run) >= 2:
            kept.extend(run)
    return sorted(kept)
