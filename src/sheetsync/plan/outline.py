"""The numbered outline of a plan: 一、 / （一） / 1. / （1） / ① and how deep each one is.

Plans do not agree on which marker is which level (一、→1. in one county, 一、→（一）→1.→（1） in
the next), so levels come from the order markers appear in, as a reader sees them: a marker
style already open closes everything below it; a new style opens a level below the current one.
Numbers are only trusted at the start of a paragraph and not when they are a date or a decimal
quantity (2.2020年…, 1.5万人…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sheetsync.core.textnorm import chinese_number, nfkc

_CN = "一二三四五六七八九十"
_D = "0-9０-９"
_O, _C = "(（", ")）"
MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("part", re.compile(rf"^第(?P<n>[{_CN}]{{1,3}})(?:部分|章|篇)\s*[、.．:：]?\s*")),
    ("cn_di", re.compile(rf"^第(?P<n>[{_CN}]{{1,3}})\s*[、，,.．:：]\s*")),
    ("cn", re.compile(rf"^(?P<n>[{_CN}]{{1,3}})\s*[、.．，,]\s*")),
    ("cn_paren", re.compile(rf"^[{_O}]\s*(?P<n>[{_CN}]{{1,3}})\s*[{_C}]\s*[、.．，,]?\s*")),
    ("cn_paren", re.compile(r"^(?P<n>[㈠-㈩])\s*")),
    ("dec", re.compile(rf"^(?P<n>[{_D}]{{1,2}}(?:[.．][{_D}]{{1,2}}){{1,3}})(?![{_D}.．万亿%％倍个元人次])\s*[、.．]?\s*")),
    ("num", re.compile(rf"^(?P<n>[{_D}]{{1,3}})\s*(?:[.．](?![{_D}])|、|，(?=\D))\s*")),
    ("num_paren", re.compile(rf"^[{_O}]\s*(?P<n>[{_D}]{{1,3}})\s*[{_C}]\s*[、.．]?\s*")),
    ("num_rparen", re.compile(rf"^(?P<n>[{_D}]{{1,2}})\s*[{_C}]\s*")),
    ("circled", re.compile(r"^(?P<n>[①-⑳㉑-㉟㊱-㊿])\s*")),  # ①…⑳, ㉑…㊿
]
_SENTENCE_END = re.compile(r"[。！？!?]|[：:](?=\S)")
_CJK = re.compile(r"[\u4e00-\u9fff“”]")
_OPEN_Q = "“‘《(（[［〔【"
_CLOSE_Q = "”’》)）]］〕】"


@dataclass
class Marker:
    kind: str  # family of the marker (cn, cn_paren, num, …; dec2/dec3 for 1.2 / 1.2.3)
    label: str  # as used in task ids: 四, (二), 3, (1), ①, 1.2
    number: int | None
    text: str  # the paragraph after the marker


def marker(text: str) -> Marker | None:
    """The outline marker that starts ``text``, or None."""
    s = text.lstrip()
    for kind, rx in MARKERS:
        m = rx.match(s)
        if not m:
            continue
        rest = s[m.end():]
        if not rest.strip():
            return None
        n = m["n"]
        if kind == "dec":
            parts = re.split(r"[.．]", nfkc(n))
            return Marker(f"dec{len(parts)}", ".".join(parts), int(parts[-1]), rest)
        if kind == "circled":
            return Marker(kind, n, _circled_number(n), rest)
        if "\u3220" <= n <= "\u3229":
            num = ord(n) - 0x3220 + 1
            return Marker(kind, f"({_CN[num - 1]})", num, rest)
        if kind in ("num", "num_paren", "num_rparen"):
            n = nfkc(n)
        number = chinese_number(n)
        if kind == "cn" and rest[:1] in "是要":  # 一是…, not a heading
            return None
        label = {"cn_paren": f"({n})", "num_paren": f"({n})", "num_rparen": f"{n})"}.get(kind, n)
        return Marker(kind, label, number, rest)
    return None


_NEXT = {  # any number of digits: whether it is the next item is decided by the open list
    "num": re.compile(rf"^(?P<n>[{_D}]+)\s*(?:[.．](?![{_D}])|、|，(?=\D))\s*"),
    "num_paren": re.compile(rf"^[{_O}]\s*(?P<n>[{_D}]+)\s*[{_C}]\s*[、.．]?\s*"),
    "num_rparen": re.compile(rf"^(?P<n>[{_D}]+)\s*[{_C}]\s*"),
    "dec": re.compile(rf"^(?P<n>[{_D}]+(?:[.．][{_D}]+){{1,3}})(?![{_D}.．万亿%％倍个元人次])\s*[、.．]?\s*"),
}


def continued_marker(text: str, open_nodes: list[Node]) -> Marker | None:
    """The marker of ``text`` when it numbers the next item of an open list past the digits
    marker() trusts (999. → 1000., （999）→（1000）, 99）→ 100）, 1.99 → 1.100); None otherwise.

    Why: marker() stops at a few digits so that years and quantities are not headings
    (2021、2022年…); without this, item 1000 and every one after it were read as the text of
    item 999 — tasks lost without a word.
    """
    s = text.lstrip()
    for node in reversed(open_nodes):
        if node.number is None or (node.kind not in _NEXT and not node.kind.startswith("dec")):
            continue
        m = _NEXT["dec" if node.kind.startswith("dec") else node.kind].match(s)
        if not m or not s[m.end():].strip():
            continue
        numbers = [int(x) for x in re.split(r"[.．]", nfkc(m["n"]))]
        if node.kind.startswith("dec"):
            prefix = [int(x) for x in node.label.split(".")[:-1]]
            if numbers != [*prefix, node.number + 1]:
                continue
            label = ".".join(map(str, numbers))
        elif numbers == [node.number + 1]:
            label = {"num_paren": f"({numbers[0]})", "num_rparen": f"{numbers[0]})"}.get(node.kind, str(numbers[0]))
        else:
            continue
        return Marker(node.kind, label, node.number + 1, s[m.end():])
    return None


def _circled_number(ch: str) -> int:
    code = ord(ch)
    if code >= 0x32B1:
        return code - 0x32B1 + 36
    if code >= 0x3251:
        return code - 0x3251 + 21
    return code - 0x2460 + 1


LONG_TITLE = 40  # characters: a first sentence longer than this is cut at its first comma (or 、)


def first_sentence(text: str) -> tuple[str, str]:
    """(title, rest): the heading's first sentence, not cut inside quotes or brackets.

    A task name is what a clerk reads in every list, reminder and roll-up: when the first
    sentence runs on (完善村规民约、行业规范，严格落实…，加强…，营造…), the name is its first clause
    and the rest of the sentence stays in the text — nothing is dropped.
    """
    title, rest = _first_sentence(text)
    cut = _first_comma(title) if len(title) > LONG_TITLE else 0
    if cut:
        lead = len(text) - len(text.lstrip())  # the title starts the text, after any spaces
        return title[:cut].strip(), text[lead + cut + 1:].strip()
    return title, rest


def _first_sentence(text: str) -> tuple[str, str]:
    depth = 0
    for i, ch in enumerate(text):
        if ch in _OPEN_Q:
            depth += 1
        elif ch in _CLOSE_Q and depth:
            depth -= 1
        elif depth == 0 and _SENTENCE_END.match(text, i):
            title = text[:i].strip()
            if title:
                return title, text[i + 1:].strip()
        elif depth == 0 and ch in " \u3000" and i >= 4 and _CJK.match(text, i - 1) and _CJK.match(text, i + 1):
            # （一）加强组织领导 各单位要…: a space between heading and text in web copies
            return text[:i].strip(), text[i + 1:].strip()
    return text.strip().rstrip("。.;；"), ""


def _first_comma(title: str) -> int:
    """Index of the first comma (else the first 、) outside quotes and brackets within the first
    LONG_TITLE characters (after the fourth), else 0."""
    depth = 0
    enumeration = 0
    for i, ch in enumerate(title[:LONG_TITLE + 1]):
        if ch in _OPEN_Q:
            depth += 1
        elif ch in _CLOSE_Q and depth:
            depth -= 1
        elif depth == 0 and i >= 4 and ch in "，,；;":
            return i
        elif depth == 0 and i >= 4 and ch == "、" and not enumeration:
            enumeration = i
    return enumeration


@dataclass
class Node:
    """A numbered heading with the paragraphs that follow it until the next heading."""

    kind: str
    label: str
    number: int | None
    heading: str  # the heading paragraph without its marker (clauses cut out)
    index: int  # paragraph index, for ordering and messages
    body: list[str] = field(default_factory=list)
    clauses: list = field(default_factory=list)  # clauses.Clause
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None

    @property
    def title(self) -> str:
        return first_sentence(self.heading)[0]

    @property
    def detail(self) -> str:
        return first_sentence(self.heading)[1]

    def path(self) -> list[Node]:
        out: list[Node] = []
        node: Node | None = self
        while node is not None:
            out.append(node)
            node = node.parent
        return out[::-1]

    def walk(self):  # type: ignore[no-untyped-def]
        yield self
        for c in self.children:
            yield from c.walk()

    def full_text(self, with_marker: bool = False) -> str:
        """Heading, body and everything below, as lines (for a task that folds its sub-items in)."""
        lines = [f"{self.label} {self.heading}" if with_marker else self.heading, *self.body]
        for c in self.children:
            lines.append(c.full_text(with_marker=True))
        return "\n".join(x for x in lines if x)


_BARE = ("cn", "cn_di", "num", "num_rparen", "dec2", "dec3", "dec4")
_PAREN = ("cn_paren", "num_paren", "circled")


class OutlineBuilder:
    """Feeds paragraphs in order; keeps the stack of open levels."""

    def __init__(self) -> None:
        self.roots: list[Node] = []
        self.stack: list[Node] = []

    def add(self, m: Marker, heading: str, index: int) -> Node:
        node = Node(m.kind, m.label, m.number, heading, index)
        kinds = [n.kind for n in self.stack]
        if m.kind in kinds:
            del self.stack[kinds.index(m.kind):]
        elif self.stack and self._sibling_by_number(self.stack[-1], m):
            # sloppy numbering: (一)(二)(3)(四) — (3) continues (二), it is not its child
            node.kind = self.stack[-1].kind
            self.stack.pop()
        if self.stack:
            node.parent = self.stack[-1]
            self.stack[-1].children.append(node)
        else:
            self.roots.append(node)
        self.stack.append(node)
        return node

    @staticmethod
    def _sibling_by_number(top: Node, m: Marker) -> bool:
        same_family = (top.kind in _PAREN) == (m.kind in _PAREN)
        return (same_family and top.number is not None and m.number is not None and m.number > 1
                and m.number == top.number + 1 and not top.children)

    @property
    def current(self) -> Node | None:
        return self.stack[-1] if self.stack else None
