"""E-mail address lists (issue 15, symptom 2): one table drives the home (core/addresses.py),
``check`` and mail — check accepts what mail sends to and flags what it cannot."""

from __future__ import annotations

import pytest

from sheetsync.core import addresses
from sheetsync.core.model import Master, Unit
from sheetsync.i18n import set_lang
from sheetsync.mail.batch import context_from, recipients_for
from sheetsync.mail.compose import parse_address
from sheetsync.mail.transport import split_addresses, valid_address
from sheetsync.master.check import check_master

# cell as typed → (bare addresses, display names, reason of the first bad item or "")
CASES = [
    ("a@x.cn、b@y.cn", ["a@x.cn", "b@y.cn"], ["", ""], ""),
    ("a@x.cn;b@y.cn", ["a@x.cn", "b@y.cn"], ["", ""], ""),
    ("a@x.cn；b@y.cn", ["a@x.cn", "b@y.cn"], ["", ""], ""),
    ("a@x.cn，b@y.cn", ["a@x.cn", "b@y.cn"], ["", ""], ""),
    ("a@x.cn,b@y.cn", ["a@x.cn", "b@y.cn"], ["", ""], ""),
    ("a@x.cn\nb@y.cn", ["a@x.cn", "b@y.cn"], ["", ""], ""),
    ("a@x.cn b@y.cn", ["a@x.cn", "b@y.cn"], ["", ""], ""),
    ("张三 <c@z.cn>", ["c@z.cn"], ["张三"], ""),
    ('"张三" <c@z.cn>', ["c@z.cn"], ["张三"], ""),
    ("张三＜c＠z.cn＞", ["c@z.cn"], ["张三"], ""),
    ("张三《c@z.cn》", ["c@z.cn"], ["张三"], ""),
    ("c＠z.gov.cn", ["c@z.gov.cn"], [""], ""),
    ("a@x.cn、张三 <c@z.cn>；a@x.cn", ["a@x.cn", "c@z.cn"], ["", "张三"], ""),
    ("first.last+tag@mail.example-county.gov.cn", ["first.last+tag@mail.example-county.gov.cn"], [""], ""),
    ("cz.cn", ["cz.cn"], [""], "no_at"),
    ("c@z", ["c@z"], [""], "bad_domain"),
    ("c@-z.cn", ["c@-z.cn"], [""], "bad_domain"),
    ("a@x.cn、b@", ["a@x.cn", "b@"], ["", ""], "bad_domain"),
    ("a@@x.cn", ["a@@x.cn"], [""], "two_at"),
    ("张三@政府.cn", ["张三@政府.cn"], [""], "not_ascii"),
    ("a..b@x.cn", ["a..b@x.cn"], [""], "bad_local"),
]


@pytest.fixture(autouse=True)
def _zh():
    set_lang("zh")
    yield
    set_lang(None)


@pytest.mark.parametrize(("cell", "addrs", "names", "reason"), CASES)
def test_home(cell: str, addrs: list[str], names: list[str], reason: str) -> None:
    items = addresses.split_addresses(cell)
    assert [addresses.address_of(i) for i in items] == addrs
    assert [addresses.parse_address(i)[0] for i in items] == names
    bad = addresses.bad_addresses(cell)
    assert (bad[0][1] if bad else "") == reason
    assert all(addresses.reason_text(why) for _i, why in bad)


@pytest.mark.parametrize(("cell", "addrs", "names", "reason"), CASES)
def test_check_accepts_what_mail_sends_to(cell: str, addrs: list[str], names: list[str], reason: str) -> None:
    master = Master(units=[Unit(name="县教育局", email=cell)], settings={"region": "示例县"})
    flagged = [f for f in check_master(master) if f.code == "bad-email"]
    ctx = context_from(master)
    sent_to, why = recipients_for(ctx, "县教育局")
    if reason:
        assert flagged and bad_item(cell) in flagged[0].message, flagged
        assert addresses.reason_text(reason) in flagged[0].message
        assert sent_to == [] and why
    else:
        assert flagged == []
        assert [parse_address(a).addr_spec for a in sent_to] == addrs
        assert [parse_address(a).display_name for a in sent_to] == names
        assert all(valid_address(a) for a in split_addresses(cell))


def bad_item(cell: str) -> str:
    return addresses.bad_addresses(cell)[0][0]
