"""Who is responsible: the 责任单位 clauses of a plan, in all the ways counties write them.

    责任单位:县委组织部、统战部、妇联                       a line of its own after the task
    …入脑入心。（责任单位：党群工作部、高教办）              inline, any bracket style
    〔责任单位:县委宣传部〕  【责任单位】县委宣传部          labels in brackets
    牵头单位：县委宣传部；配合单位：县文明办、各乡镇          explicit roles
    县委宣传部（牵头）、县文明办   （县委宣传部牵头，各乡镇配合）

The clause text is cut out of the task text, split into names (brackets inside names such as
县委党校(县行政学校) are kept, group words such as 各乡镇场、街道 stay whole) and turned into one
lead and co-units: the first name is the lead unless a label or （牵头） says otherwise. Names of
people (责任领导, 责任人) are recognised so that they are never taken for units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sheetsync.core.textnorm import clean, unique_names
from sheetsync.core.units import is_group_word, split_unit_list

RESP_LABELS = ("责任单位", "责任部门", "责任主体", "主责单位", "主责部门", "承办单位", "实施单位", "负责单位",
               "落实单位", "责任科室", "责任处室", "责任股室", "责任领导单位")
LEAD_LABELS = ("牵头单位", "牵头部门", "牵头科室", "牵头股室", "主抓单位", "牵头")
CO_LABELS = ("配合单位", "配合部门", "协办单位", "协助单位", "协作单位", "参与单位", "协同单位", "配合科室",
             "参加单位", "配合")
DEADLINE_LABELS = ("完成时限", "完成时间", "完成期限", "时间节点", "时限要求", "截止时间", "时限")
PERSON_LABELS = ("责任领导", "牵头领导", "分管领导", "包抓领导", "督办领导", "责任人", "联系人", "具体负责人")

_KIND_OF: dict[str, str] = {}
for _kind, _labels in (("resp", RESP_LABELS), ("lead", LEAD_LABELS), ("co", CO_LABELS),
                       ("deadline", DEADLINE_LABELS), ("person", PERSON_LABELS)):
    for _lab in _labels:
        _KIND_OF[_lab] = _kind
_LABEL_RE = "|".join(sorted(_KIND_OF, key=len, reverse=True))
_OPEN = "(（[［〔【﹝〖"
_CLOSE = ")）]］〕】﹞〗"
# a label that starts a segment: 责任单位： / 【责任单位】 / 责任单位 县委… (long labels only with a space)
_SEGMENT = re.compile(
    rf"(?<![^\s。；;，,、:：])[{re.escape(_OPEN)}]\s*(?P<b>{_LABEL_RE})\s*[{re.escape(_CLOSE)}]\s*[:：]?"
    rf"|(?P<c>{_LABEL_RE})\s*[:：]"
    rf"|(?P<s>{'|'.join(lab for lab in _KIND_OF if len(lab) >= 4)})\s+(?=\S)")
_LINE_START = re.compile(rf"^\s*[{re.escape(_OPEN)}]?\s*(?:{_LABEL_RE})\s*(?:[{re.escape(_CLOSE)}]\s*[:：]?|[:：]|\s+(?=\S))")
_LEAD_PHRASE = re.compile(
    r"^(?:由)?(?P<lead>[^，,。；;:：]{2,40}?)(?:共同)?牵头(?:负责|实施|落实)?"
    r"(?:\s*[，,、；;]\s*(?P<co>[^。]{2,120}?)(?:等)?(?:配合|参与|协助|协同|共同)(?:实施|落实|推进)?)?$")
# （区委督查室负责） / （县教育局、各乡镇负责）: only when every name reads as a unit
_DUTY_PHRASE = re.compile(r"^(?:由)?(?P<lead>[^，,。；;:：]{2,60}?)(?:共同|分别)?负责(?:落实|实施)?$")
_ROLE_NOTE = re.compile(rf"[{re.escape(_OPEN)}]\s*(?P<role>牵头(?:单位)?|配合(?:单位)?|负责|主责|协办)\s*[{re.escape(_CLOSE)}]$")
_TRAILING = re.compile(r"(?:按(?:照)?职责(?:分工)?|根据职责|按职能|分别|共同|具体)?(?:负责(?:落实|实施)?|落实|实施|推进)$")
_UNIT_END = re.compile(r"(局|委|办|部|中心|院|所|队|站|会|联|镇|乡|街道|公司|馆|团|社|处|科|室|厅|校|庭|行|组|政府|办公室|管委会|集团|法院|检察院)$")


@dataclass
class Clause:
    """One responsibility clause as found, before names are resolved."""

    text: str  # as written, for messages
    lead: list[str] = field(default_factory=list)  # labelled or marked lead names
    resp: list[tuple[str, str]] = field(default_factory=list)  # (name, role hint: lead|co|"") from 责任单位
    co: list[str] = field(default_factory=list)
    deadline: str = ""
    open_list: bool = False  # the list ended with 等 (其他单位未列出)
    dropped: list[str] = field(default_factory=list)  # text that did not read as unit names

    @property
    def has_units(self) -> bool:
        return bool(self.lead or self.resp or self.co)


def is_clause_line(text: str) -> bool:
    """A paragraph that is only a clause: 责任单位:… / 【牵头单位】… / 完成时限：…"""
    return bool(_LINE_START.match(text))


def parse_clause_text(text: str) -> Clause:
    """责任单位：A、B / 牵头单位：A；配合单位：B；完成时限：… / A牵头，B配合 → Clause."""
    clause = Clause(clean(text))
    body = _unwrap_brackets(clean(text).strip())
    segments = _segments(body)
    if not segments:
        m = _LEAD_PHRASE.match(body.strip(" 。."))
        if m:
            _add_names(clause, "lead", m["lead"])
            if m["co"]:
                _add_names(clause, "co", m["co"])
        elif is_duty_phrase(body):
            _add_names(clause, "resp", _DUTY_PHRASE.match(body.strip(" 。."))["lead"])  # type: ignore[index]
        return clause
    for kind, content in segments:
        if kind == "deadline":
            clause.deadline = content.strip(" 。.;；,，")
        elif kind == "person":
            continue
        else:
            _add_names(clause, kind, content)
    return clause


def _unwrap_brackets(text: str) -> str:
    """（责任单位：A、B） standing alone → 责任单位：A、B (also when a line break split the pair)."""
    if text[:1] in _OPEN and not re.match(rf"^[{re.escape(_OPEN)}]\s*(?:{_LABEL_RE})\s*[{re.escape(_CLOSE)}]", text):
        spans = _bracket_spans(text)
        if spans and spans[0] == (0, len(text)):
            return text[1:-1].strip()
        if not spans or spans[0][0] != 0:
            return text[1:].strip()
    if text[-1:] in _CLOSE and _depth_at(text, len(text) - 1) == 0:
        return text[:-1].strip()
    return text


def is_duty_phrase(text: str) -> bool:
    """县委督查室负责 — a clause only if every name before 负责 looks like a unit or a group."""
    m = _DUTY_PHRASE.match(text.strip(" 。."))
    if not m:
        return False
    names = split_unit_list(m["lead"])
    return bool(names) and all(_UNIT_END.search(n) or is_group_word(n) for n in names)


def _segments(text: str) -> list[tuple[str, str]]:
    """[(kind, content)] for each label outside brackets, content running to the next label."""
    hits = []
    for m in _SEGMENT.finditer(text):
        if _depth_at(text, m.start()) != 0:
            continue
        label = m["b"] or m["c"] or m["s"]
        hits.append((m.start(), m.end(), _KIND_OF[label]))
    out = []
    for i, (_, end, kind) in enumerate(hits):
        stop = hits[i + 1][0] if i + 1 < len(hits) else len(text)
        content = text[end:stop].strip().strip("；;，,。. ")
        out.append((kind, content))
    return out


def _depth_at(text: str, pos: int) -> int:
    depth = 0
    for ch in text[:pos]:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
    return depth


def _add_names(clause: Clause, kind: str, content: str) -> None:
    for name, hint, open_list in names_in(content, clause):
        clause.open_list = clause.open_list or open_list
        if kind == "lead":
            clause.lead.append(name)
        elif kind == "co":
            clause.co.append(name)
        else:
            clause.resp.append((name, hint))


def names_in(content: str, clause: Clause | None = None) -> list[tuple[str, str, bool]]:
    """Split a unit list into (name, role hint, list-ended-with-等) triples."""
    out: list[tuple[str, str, bool]] = []
    content = re.sub(r"\s+(?=[^\s])", "、", content.strip()) if "、" not in content and "，" not in content \
        and "," not in content and re.search(r"\S{2,}\s+\S{2,}", content) else content
    for raw in split_unit_list(content):
        for part in _split_conjunction(raw):
            name, hint, open_list = _strip_name(part)
            if not name:
                continue
            if len(name) > 30 or re.search(r"[。！？!?]", name):
                if clause is not None:
                    clause.dropped.append(part)
                continue
            out.append((name, hint, open_list))
    return out


def _split_conjunction(name: str) -> list[str]:
    """县委宣传部和县文明办 / 卫健局及各乡镇 → two names; 商务和投资促进局 stays one."""
    for conj in ("及", "和", "与", "以及"):
        if conj not in name:
            continue
        left, _, right = name.partition(conj)
        if len(left) >= 2 and len(right) >= 2 and _UNIT_END.search(left) and (
                _UNIT_END.search(right) or is_group_word(right)):
            return [left, *(_split_conjunction(right))]
    return [name]


def _strip_name(name: str) -> tuple[str, str, bool]:
    """县委宣传部（牵头） → (县委宣传部, lead); 文明办等部门 → (文明办, "", open)."""
    s = clean(name).strip(" 。.:：;；,，")
    hint = ""
    m = _ROLE_NOTE.search(s)
    if m:
        hint = "lead" if m["role"].startswith(("牵头", "负责", "主责")) else "co"
        s = s[: m.start()].strip()
    s = re.sub(r"^(?:由|请|其中|包括)", "", s)
    if s.endswith("牵头") and len(s) > 3:
        s, hint = s[:-2], "lead"
    elif s.endswith("配合") and len(s) > 3:
        s, hint = s[:-2], hint or "co"
    if len(s) > 4:
        s = _TRAILING.sub("", s).strip() or s
    open_list = False
    m2 = re.search(r"等(?:相关|有关)?(?:部门|单位|科室|股室)?$", s)
    if m2 and m2.start() >= 2 and not is_group_word(s[: m2.start()]):
        s, open_list = s[: m2.start()], True
    return s.strip(), hint, open_list


# ---------------------------------------------------------------- finding clauses in paragraphs
def _bracket_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each outermost bracket group."""
    spans = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            if depth == 0:
                start = i
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


# 责任单位： after a sentence end, or after a comma inside the item (…工作，牵头单位：A，完成时限：…)
_INLINE_LABEL = re.compile(rf"(?:^|(?<=[。；;！!？?，,\s]))(?:{_LABEL_RE})\s*[:：]")


def extract_inline(text: str) -> tuple[str, list[Clause]]:
    """Cut the clauses out of a paragraph: (text without them, clauses found)."""
    clauses: list[Clause] = []
    kept = []
    pos = 0
    for start, end in _bracket_spans(text):
        inner = text[start + 1:end - 1].strip()
        is_clause = bool(re.match(rf"^(?:{_LABEL_RE})\s*(?:[:：]|[{re.escape(_CLOSE)}]|\s)", inner))
        if not is_clause and (_LEAD_PHRASE.match(inner.strip(" 。.")) or is_duty_phrase(inner)) \
                and end >= len(text.rstrip(" 。.;；")) - 1:
            is_clause = True  # （县委宣传部牵头，各乡镇配合） at the end of a task
        if text[start] == "【" and re.fullmatch(_LABEL_RE, inner):
            # 【责任单位】县委宣传部 — the rest of the paragraph is the list
            clauses.append(parse_clause_text(text[start:]))
            kept.append(text[pos:start])
            pos = len(text)
            break
        if is_clause:
            clause = parse_clause_text(inner)
            if clause.has_units or clause.deadline:
                clauses.append(clause)
                kept.append(text[pos:start])
                pos = end
    kept.append(text[pos:])
    rest = "".join(kept)
    m = _INLINE_LABEL.search(rest)
    if m and _depth_at(rest, m.start()) == 0:
        clause = parse_clause_text(rest[m.start():])
        if clause.has_units or clause.deadline:
            clauses.append(clause)
            rest = rest[: m.start()].rstrip(" ，,、")  # 开展工作，牵头单位：… → 开展工作
    return rest.strip(), clauses


@dataclass
class Responsible:
    lead: str = ""
    co: list[str] = field(default_factory=list)
    deadline: str = ""
    open_list: bool = False
    dropped: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return ([self.lead] if self.lead else []) + self.co


def combine(clauses: list[Clause]) -> Responsible:
    """One lead and the co-units from all clauses of a task (labels beat position)."""
    r = Responsible()
    leads: list[str] = []
    cos: list[str] = []
    for c in clauses:
        leads.extend(c.lead)
        marked = [n for n, h in c.resp if h == "lead"]
        for name, hint in c.resp:
            if marked:
                (leads if name in marked else cos).append(name)
            elif hint == "co":
                cos.append(name)
            else:
                (leads if not leads and not c.lead else cos).append(name)
        cos.extend(c.co)
        r.deadline = r.deadline or c.deadline
        r.open_list = r.open_list or c.open_list
        r.dropped.extend(c.dropped)
    unique = unique_names(leads + cos)
    if unique:
        r.lead, r.co = unique[0], unique[1:]
    return r
