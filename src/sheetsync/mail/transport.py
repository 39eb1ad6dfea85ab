"""Talking to the office's SMTP server: safely by default, loudly when not.

- STARTTLS (port 587) or implicit TLS (port 465), certificates always verified; an office with
  its own CA gives the CA file instead of turning verification off (there is no switch for that).
- Plain SMTP only for intranet relays without TLS, only when the caller passes ``allow_plain``
  *and* the settings say so, and then a warning is shown before anything is sent. A server that
  should speak STARTTLS but does not offer it is refused: that is what a downgrade looks like.
- The user name comes from the settings; the password only from the environment variable
  ``SHEETSYNC_SMTP_PASSWORD`` or the system keyring (service ``sheetsync``), never from a file.
- Every message is checked against the local size limit and the server's advertised SIZE
  before it is sent; every outcome (sent, or the server's code and text) is returned per message
  so the ledger can record it and ``--retry`` can resend just the failures.
"""

from __future__ import annotations

import base64
import configparser
import contextlib
import os
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sheetsync.core import addresses
from sheetsync.core.errors import SheetsyncError
from sheetsync.core.schema import SETTING_KEYS, Label, key_for
from sheetsync.i18n import t

Security = Literal["starttls", "ssl", "plain"]
# "unknown": the whole message reached the server, which closed the connection before its reply
# (it may have been delivered: never resent by itself)
Status = Literal["sent", "failed", "partial", "dry-run", "skipped", "unknown"]

PASSWORD_ENV = "SHEETSYNC_SMTP_PASSWORD"
KEYRING_SERVICE = "sheetsync"
DEFAULT_MAX_MB = 20.0  # a common limit of Chinese government and enterprise mail systems
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "plain": 25}

# accepted spellings of the 加密方式 setting
_SECURITY_WORDS: dict[str, Security] = {
    "starttls": "starttls", "tls": "starttls", "start-tls": "starttls",
    "ssl": "ssl", "ssl/tls": "ssl", "smtps": "ssl", "implicit": "ssl", "implicit tls": "ssl",
    "plain": "plain", "none": "plain", "no": "plain", "无": "plain", "不加密": "plain",
    "明文": "plain", "否": "plain",
}
# keys a config file may use besides the SETTING_KEYS (and their 设置 labels)
_EXTRA_KEYS: tuple[Label, ...] = (
    Label("smtp_ca_file", "CA证书文件", "CA file", ("ca_file", "cafile", "根证书")),
    Label("smtp_timeout", "超时秒数", "Timeout", ("timeout",)),
)
_FILE_ALIASES = {"host": "smtp_host", "port": "smtp_port", "security": "smtp_security",
                 "user": "smtp_user", "username": "smtp_user", "from": "mail_from",
                 "from_name": "mail_from_name", "cc": "mail_cc", "max_mb": "mail_max_mb",
                 "rate": "mail_rate"}
_PASSWORD_WORDS = re.compile(r"pass(word)?|pwd|secret|密码|口令|授权码", re.I)
# "Name <addr>" (name without separators) or a bare token between separators/whitespace
# addresses: one home for check and mail (core/addresses.py); re-exported for the mail modules
split_addresses = addresses.split_addresses
address_of = addresses.address_of
valid_address = addresses.valid_address


def parse_security(text: str | None, port: int = 0) -> Security:
    v = (text or "").strip().lower()
    if not v:
        return "ssl" if port == 465 else "starttls"
    if v in _SECURITY_WORDS:
        return _SECURITY_WORDS[v]
    raise SheetsyncError(t("mail.bad_security", value=text or ""))


@dataclass
class SmtpConfig:
    host: str = ""
    port: int = 0  # 0: the default of the security mode
    security: Security = "starttls"
    user: str = ""
    mail_from: str = ""
    from_name: str = ""
    cc: list[str] = field(default_factory=list)
    to_upward: list[str] = field(default_factory=list)
    max_bytes: int = int(DEFAULT_MAX_MB * 1024 * 1024)
    rate_per_minute: float = 0.0  # 0: no limit
    ca_file: str = ""
    timeout: float = 30.0

    @property
    def configured(self) -> bool:
        return bool(self.host.strip())

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]

    @property
    def envelope_from(self) -> str:
        if self.mail_from:
            return self.mail_from
        return self.user if "@" in self.user else ""


def _normalise_keys(values: Mapping[str, object], source: str, *, from_file: bool = False) -> dict[str, str]:
    """Canonical setting keys; in a file, a password-like key is refused (the 设置 sheet has
    sheet-protection passwords of its own, which are not mail settings and are skipped)."""
    out: dict[str, str] = {}
    known = {lab.key for lab in SETTING_KEYS} | {lab.key for lab in _EXTRA_KEYS}
    for raw, value in values.items():
        if isinstance(value, dict):
            continue
        name = str(raw).strip()
        if from_file and _PASSWORD_WORDS.search(name):
            raise SheetsyncError(t("mail.password_in_file", file=source, entry=name, env=PASSWORD_ENV))
        key = (name if name in known else _FILE_ALIASES.get(name.lower())
               or key_for(SETTING_KEYS, name) or key_for(_EXTRA_KEYS, name))
        if key:
            out[key] = "" if value is None else str(value)
    return out


def load_config_file(path: str | Path) -> dict[str, str]:
    """Settings from a TOML or INI file (a ``[smtp]`` / ``[mail]`` section or the top level).

    A key that looks like a password is an error: passwords belong in the keyring.
    """
    p = Path(path)
    if not p.is_file():
        raise SheetsyncError(t("core.file_missing", file=str(p)))
    text = p.read_text(encoding="utf-8-sig")
    merged: dict[str, object] = {}
    if p.suffix.lower() == ".toml":
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            import tomli as tomllib  # type: ignore[no-redef]
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SheetsyncError(t("mail.config_bad", file=str(p), reason=str(exc))) from exc
        merged.update({k: v for k, v in data.items() if not isinstance(v, dict)})
        for section in ("sheetsync", "mail", "smtp"):
            if isinstance(data.get(section), dict):
                merged.update(data[section])
    else:
        cp = configparser.ConfigParser(interpolation=None)
        try:
            cp.read_string(text if text.lstrip().startswith("[") else "[smtp]\n" + text)
        except configparser.Error as exc:
            raise SheetsyncError(t("mail.config_bad", file=str(p), reason=str(exc))) from exc
        for section in ("sheetsync", "mail", "smtp"):
            if cp.has_section(section):
                merged.update(dict(cp.items(section)))
    # check every key of every section for passwords, not only the ones we read
    for raw in _all_keys(text, p.suffix.lower() == ".toml"):
        if _PASSWORD_WORDS.search(raw):
            raise SheetsyncError(t("mail.password_in_file", file=str(p), entry=raw, env=PASSWORD_ENV))
    return _normalise_keys(merged, str(p), from_file=True)


def _all_keys(text: str, toml: bool) -> list[str]:
    keys = []
    for line in text.splitlines():
        m = re.match(r"\s*([^#;\[\s=:][^=:]*?)\s*[=:]", line) if not toml else re.match(
            r"\s*([^#\[\s=][^=]*?)\s*=", line)
        if m:
            keys.append(m.group(1).strip().strip('"\''))
    return keys


def _float(text: str, key: str, default: float) -> float:
    text = (text or "").strip()
    if not text:
        return default
    try:
        return float(text)
    except ValueError as exc:
        raise SheetsyncError(t("mail.bad_number", name=key, value=text)) from exc


def config_from_settings(settings: Mapping[str, str]) -> SmtpConfig:
    """An SmtpConfig from settings keys (the 设置 sheet after reading, or a config file)."""
    s = {k: str(v or "").strip() for k, v in settings.items()}
    port = int(_float(s.get("smtp_port", ""), "smtp_port", 0))
    max_mb = _float(s.get("mail_max_mb", ""), "mail_max_mb", DEFAULT_MAX_MB)
    return SmtpConfig(
        host=s.get("smtp_host", ""),
        port=port,
        security=parse_security(s.get("smtp_security"), port),
        user=s.get("smtp_user", ""),
        mail_from=s.get("mail_from", ""),
        from_name=s.get("mail_from_name", ""),
        cc=split_addresses(s.get("mail_cc")),
        to_upward=split_addresses(s.get("mail_to_upward")),
        max_bytes=int(max_mb * 1024 * 1024) if max_mb > 0 else 0,
        rate_per_minute=_float(s.get("mail_rate", ""), "mail_rate", 0.0),
        ca_file=s.get("smtp_ca_file", ""),
        timeout=_float(s.get("smtp_timeout", ""), "smtp_timeout", 30.0),
    )


def resolve_config(settings: Mapping[str, str] | None = None, config_file: str | Path | None = None, *,
                   ca_file: str | Path | None = None, rate: float | None = None) -> SmtpConfig:
    """设置 sheet, then the config file over it, then command-line options over both."""
    merged = dict(_normalise_keys(settings or {}, "设置"))
    if config_file:
        merged.update({k: v for k, v in load_config_file(config_file).items() if v.strip()})
    cfg = config_from_settings(merged)
    if ca_file:
        cfg.ca_file = str(ca_file)
    if rate is not None:
        cfg.rate_per_minute = rate
    if cfg.ca_file and not Path(cfg.ca_file).is_file():
        raise SheetsyncError(t("mail.ca_missing", file=cfg.ca_file))
    return cfg


def get_password(user: str, env: Mapping[str, str] | None = None) -> str:
    """The SMTP password: ``SHEETSYNC_SMTP_PASSWORD``, else the keyring entry (sheetsync, user)."""
    env = os.environ if env is None else env
    if env.get(PASSWORD_ENV):
        return env[PASSWORD_ENV]
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            pw = keyring.get_password(KEYRING_SERVICE, user)
        except KeyringError:
            pw = None
    except ImportError:  # pragma: no cover - keyring is a dependency
        pw = None
    if not pw:
        raise SheetsyncError(t("mail.no_password", user=user, env=PASSWORD_ENV, service=KEYRING_SERVICE))
    return pw


def ssl_context(ca_file: str = "") -> ssl.SSLContext:
    """Verification and host-name checking on; with a CA file, trust that CA (intranet CAs)."""
    ctx = ssl.create_default_context(cafile=ca_file or None)
    ctx.check_hostname = True
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


@dataclass
class SendResult:
    status: Status
    code: int | None = None
    message: str = ""
    refused: dict[str, str] = field(default_factory=dict)  # recipient → "code text"


class _Failure(Exception):
    def __init__(self, code: int | None, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _reply(err: smtplib.SMTPResponseException) -> str:
    msg = err.smtp_error
    return msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)


class SmtpTransport:
    """One SMTP session for a batch; connects on the first message, reconnects once if dropped.

    ``clock`` and ``sleep`` are injectable so the rate limit can be tested without waiting;
    ``before_end_of_data`` (called with the socket after the message body, before its final ".")
    lets a test wait until a server's drop has reached this side, so the outcome of a drop in the
    middle of DATA can be asserted exactly rather than depending on when the close arrives.
    """

    def __init__(self, config: SmtpConfig, *, password: str | None = None, allow_plain: bool = False,
                 warn: Callable[[str], None] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep,
                 before_end_of_data: Callable[[socket.socket], None] | None = None) -> None:
        if not config.configured:
            raise SheetsyncError(t("mail.no_server"))
        if config.security == "plain" and not allow_plain:
            raise SheetsyncError(t("mail.plain_needs_flag", host=config.host))
        self.config = config
        self.password = password
        self.warn = warn or (lambda _m: None)
        self.clock = clock
        self.sleep = sleep
        self.before_end_of_data = before_end_of_data
        self._smtp: smtplib.SMTP | None = None
        self._broken: _Failure | None = None
        self._last_send: float | None = None
        self.server_size: int = 0
        if config.security == "plain":
            self.warn(t("mail.plain_warning", host=config.host, port=config.effective_port)
                      + (t("mail.plain_password_warning") if config.user else ""))

    # -------------------------------------------------------------- session
    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None

    def _where(self) -> str:
        return f"{self.config.host}:{self.config.effective_port}"

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        ctx = ssl_context(cfg.ca_file) if cfg.security != "plain" else None
        smtp: smtplib.SMTP | None = None
        try:
            if cfg.security == "ssl":
                smtp = smtplib.SMTP_SSL(cfg.host, cfg.effective_port, local_hostname=socket.gethostname(),
                                        timeout=cfg.timeout, context=ctx)
            else:
                smtp = smtplib.SMTP(cfg.host, cfg.effective_port, local_hostname=socket.gethostname(),
                                    timeout=cfg.timeout)
            smtp.ehlo()
            if cfg.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise _Failure(None, t("mail.no_starttls", where=self._where()))
                smtp.starttls(context=ctx)
                smtp.ehlo()
            if cfg.user:
                if not smtp.has_extn("auth"):
                    raise _Failure(None, t("mail.no_auth", where=self._where()))
                _login(smtp, cfg.user, self.password or "")
            size = smtp.esmtp_features.get("size", "").strip()
            self.server_size = int(size) if size.isdigit() else 0
            return smtp
        except _Failure:
            _quietly_close(smtp)
            raise
        except ssl.SSLCertVerificationError as exc:
            _quietly_close(smtp)
            raise _Failure(None, t("mail.cert_failed", where=self._where(),
                                   reason=exc.verify_message or str(exc))) from exc
        except ssl.SSLError as exc:
            _quietly_close(smtp)
            raise _Failure(None, t("mail.tls_failed", where=self._where(), reason=str(exc),
                                   security=cfg.security)) from exc
        except smtplib.SMTPAuthenticationError as exc:
            _quietly_close(smtp)
            raise _Failure(exc.smtp_code, t("mail.auth_failed", user=cfg.user, code=exc.smtp_code,
                                            reply=_reply(exc))) from exc
        except smtplib.SMTPResponseException as exc:
            _quietly_close(smtp)
            raise _Failure(exc.smtp_code, t("mail.server_said", where=self._where(), code=exc.smtp_code,
                                            reply=_reply(exc))) from exc
        except (smtplib.SMTPException, OSError) as exc:
            _quietly_close(smtp)
            raise _Failure(None, t("mail.connect_failed", where=self._where(),
                                   reason=str(exc) or type(exc).__name__)) from exc

    def _session(self) -> smtplib.SMTP:
        if self._broken is not None:
            raise self._broken
        if self._smtp is None:
            try:
                self._smtp = self._connect()
            except _Failure as f:
                self._broken = f  # do not hammer a server that is down or refuses us
                raise
        return self._smtp

    # -------------------------------------------------------------- sending
    def check_size(self, size: int) -> SendResult | None:
        """A failed result if ``size`` (encoded bytes) exceeds the local or the server limit."""
        limit = self.config.max_bytes
        if limit and size > limit:
            return SendResult("failed", None, t("mail.too_big_local", size=human_size(size), limit=human_size(limit)))
        if self.server_size and size > self.server_size:
            return SendResult("failed", None, t("mail.too_big_server", size=human_size(size),
                                                 limit=human_size(self.server_size), where=self._where()))
        return None

    def _wait_for_rate(self) -> None:
        rate = self.config.rate_per_minute
        if rate <= 0 or self._last_send is None:
            return
        wait = self._last_send + 60.0 / rate - self.clock()
        if wait > 0:
            self.sleep(wait)

    def send(self, raw: bytes, from_addr: str, recipients: list[str]) -> SendResult:
        """Send already-serialised bytes; never raises for a per-message problem."""
        too_big = self.check_size(len(raw))
        if too_big:
            return too_big
        for attempt in (1, 2):
            try:
                smtp = self._session()
            except _Failure as f:
                return SendResult("failed", f.code, f.message)
            too_big = self.check_size(len(raw))  # the server's SIZE is known once connected
            if too_big:
                return too_big
            self._wait_for_rate()
            try:
                refused = _deliver(smtp, from_addr, recipients, raw, self.before_end_of_data)
            except _Unknown as exc:
                self._smtp = None
                self._last_send = self.clock()
                return SendResult("unknown", None, t("mail.outcome_unknown", where=self._where(), reason=exc.reason))
            except smtplib.SMTPServerDisconnected as exc:
                self._smtp = None  # before the end of the data: nothing can have been delivered
                if attempt == 1:
                    continue
                return SendResult("failed", None, t("mail.connect_failed", where=self._where(),
                                                    reason=str(exc) or type(exc).__name__))
            except smtplib.SMTPRecipientsRefused as exc:
                self._last_send = self.clock()
                detail = {r: f"{c} {_text(m)}" for r, (c, m) in exc.recipients.items()}
                first = next(iter(exc.recipients.values()), (None, b""))
                return SendResult("failed", first[0], t("mail.refused_all", detail="; ".join(
                    f"{r}: {d}" for r, d in detail.items())), detail)
            except smtplib.SMTPResponseException as exc:
                self._last_send = self.clock()
                self._reset(smtp)
                return SendResult("failed", exc.smtp_code, t("mail.server_said", where=self._where(),
                                                             code=exc.smtp_code, reply=_reply(exc)))
            except (smtplib.SMTPException, OSError) as exc:
                self._smtp = None
                return SendResult("failed", None, t("mail.connect_failed", where=self._where(),
                                                    reason=str(exc) or type(exc).__name__))
            self._last_send = self.clock()
            if refused:
                detail = {r: f"{c} {_text(m)}" for r, (c, m) in refused.items()}
                return SendResult("partial", None, t("mail.refused_some", detail="; ".join(
                    f"{r}: {d}" for r, d in detail.items())), detail)
            return SendResult("sent", 250, "OK")
        raise AssertionError("unreachable")  # pragma: no cover

    def _reset(self, smtp: smtplib.SMTP) -> None:
        try:
            smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._smtp = None


class _Unknown(Exception):
    """The message and its final "." were sent; the reply never came."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _deliver(smtp: smtplib.SMTP, from_addr: str, recipients: list[str], raw: bytes,
             before_end_of_data: Callable[[socket.socket], None] | None = None) -> dict[str, tuple[int, bytes]]:
    """smtplib's ``sendmail`` with the body and the end of the data as separate, observed steps.

    Why: a connection lost before the final "." means nothing was delivered (a failure, safe to
    resend); lost after it, the server may have queued the message before dropping us — resending
    that gave each unit the message twice. So the body is sent, then the connection is looked at
    (:func:`_drop_seen`, the same for plain and TLS sockets) before the "." goes out: a drop seen
    there, or an error while sending the body or the ".", raises ``SMTPServerDisconnected``
    (failed); a loss of the reply after the "." raises :class:`_Unknown`. A drop that reaches us
    only after the "." was sent cannot be told from a server that took the message and died: it
    is "unknown", the cautious answer."""
    smtp.ehlo_or_helo_if_needed()
    options = [f"size={len(raw)}"] if smtp.does_esmtp and smtp.has_extn("size") else []
    code, resp = smtp.mail(from_addr, options)
    if code != 250:
        if code == 421:
            smtp.close()
        else:
            smtp._rset()
        raise smtplib.SMTPSenderRefused(code, resp, from_addr)
    refused: dict[str, tuple[int, bytes]] = {}
    for rcpt in recipients:
        code, resp = smtp.rcpt(rcpt)
        if code not in (250, 251):
            refused[rcpt] = (code, resp)
        if code == 421:
            smtp.close()
            raise smtplib.SMTPRecipientsRefused(refused)
    if len(refused) == len(recipients):
        smtp._rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    code, resp = smtp.docmd("data")
    if code != 354:
        raise smtplib.SMTPDataError(code, resp)
    body = re.sub(rb"(?m)^\.", b"..", raw)
    if body[-2:] != b"\r\n":
        body += b"\r\n"
    smtp.send(body)  # an OSError here (reset, broken pipe, TLS EOF) is SMTPServerDisconnected
    if before_end_of_data is not None and smtp.sock is not None:
        before_end_of_data(smtp.sock)
    drop = _drop_seen(smtp)
    if drop:
        smtp.close()
        raise smtplib.SMTPServerDisconnected(drop)
    smtp.send(b".\r\n")  # not accepted by the socket: the "." never left, still a failure
    try:
        code, resp = smtp.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        smtp.close()
        raise _Unknown(str(exc) or type(exc).__name__) from exc
    if code != 250:
        if code == 421:
            smtp.close()
        else:
            smtp._rset()
        raise smtplib.SMTPDataError(code, resp)
    return refused


def _drop_seen(smtp: smtplib.SMTP) -> str:
    """Why the server is no longer taking the data ('' while it is): closed, reset, or it said
    something — a server says nothing during DATA until the final ".", so anything to read now
    ends the transaction.

    A non-blocking read of the socket, plain or TLS alike: a TLS socket cannot be peeked at, and
    the earlier peek-only check called every TLS drop "unknown". On TLS, bytes that are not yet a
    whole record (or a TLS 1.3 session ticket) read as "nothing yet", not as a drop."""
    sock = smtp.sock
    if sock is None:
        return "connection closed during DATA"
    timeout = sock.gettimeout()
    try:
        sock.settimeout(0)
        data = sock.recv(512)
    except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
        return ""
    except OSError as exc:  # reset, TLS EOF without close_notify, ...
        return f"connection lost during DATA ({exc or type(exc).__name__})"
    finally:
        with contextlib.suppress(OSError):
            sock.settimeout(timeout)
    if not data:
        return "connection closed during DATA"
    return "server replied during DATA: " + _text(data).strip()


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """smtplib's login encodes credentials as ASCII; a password such as 授权码 needs UTF-8.

    Non-ASCII credentials go as AUTH PLAIN in UTF-8 (RFC 4616); everything else uses smtplib's
    own mechanism negotiation.
    """
    if user.isascii() and password.isascii():
        smtp.login(user, password)
        return
    if "PLAIN" not in smtp.esmtp_features.get("auth", "").upper().split():
        raise smtplib.SMTPAuthenticationError(504, b"server offers no AUTH PLAIN for a non-ASCII password")
    token = base64.b64encode(b"\0" + user.encode("utf-8") + b"\0" + password.encode("utf-8")).decode("ascii")
    code, resp = smtp.docmd("AUTH", "PLAIN " + token)
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, resp)


def _quietly_close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    with contextlib.suppress(OSError):
        smtp.close()


def _text(m: bytes | str) -> str:
    return m.decode("utf-8", "replace") if isinstance(m, bytes) else str(m)


def human_size(n: int) -> str:
    """Sizes as staff read them: 1.5 MB, 320 KB."""
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"
