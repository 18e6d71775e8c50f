"""The WeCom callback protocol (加解密方案): signature, AES-256-CBC envelope, and size-capped safe XML.

signature = sha1 of the sorted (token, timestamp, nonce, encrypt) strings;
ciphertext = AES-256-CBC(key = base64(EncodingAESKey + "="), iv = key[:16]) of
  16 random bytes + 4-byte big-endian length + message + receive id (the corp id), PKCS#7-padded to 32 bytes.
Every way a callback can be wrong raises CallbackError with the HTTP status to answer.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import struct
from xml.parsers import expat
from xml.sax.saxutils import escape

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32                    # WeCom pads to 32 bytes, not AES's 16
MAX_XML_BYTES = 64 * 1024     # real callbacks are a few KB; anything larger is refused before parsing
TIMESTAMP_WINDOW = 300        # seconds either side of our clock
NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
DECLARED_ENCODING = re.compile(rb"\s*<\?xml\s[^>]*?encoding\s*=\s*[\"']([^\"']*)")   # WeCom sends UTF-8 only
ASCII_DIGITS = re.compile(r"[0-9]{1,12}")


class CallbackError(Exception):
    """A callback we refuse; `status` is the HTTP status to answer, the message is safe to log."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status


def parse_xml(data: bytes | str, limit: int = MAX_XML_BYTES) -> dict[str, str]:
    """The root's child elements as {tag: text}. No DTDs, entities or external references; size-capped."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > limit:
        raise CallbackError(413, f"XML of {len(raw)} bytes exceeds {limit}")
    if (declared := DECLARED_ENCODING.match(raw)) and declared[1].lower() not in (b"utf-8", b"utf8"):
        raise CallbackError(400, "XML declares an encoding other than UTF-8")
    fields = _Fields()
    parser = expat.ParserCreate(None, "}")
    parser.buffer_text = True
    parser.StartElementHandler, parser.EndElementHandler = fields.start, fields.end
    parser.CharacterDataHandler = fields.text
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = parser.UnparsedEntityDeclHandler = _forbidden
    parser.ExternalEntityRefHandler = _forbidden
    try:
        parser.Parse(raw, True)
    except (expat.ExpatError, ValueError, LookupError) as exc:
        raise CallbackError(400, f"malformed XML: {type(exc).__name__}") from None
    return fields.found


def _forbidden(*_) -> None:
    raise CallbackError(400, "malformed XML: DTDs and entities are refused")


class _Fields:
    """Expat handlers that keep what ElementTree's `{child.tag: child.text}` of the root would: each child's
    text up to its own first child, without building a tree (callbacks are a flat list of fields)."""

    def __init__(self):
        self.found: dict[str, str] = {}
        self._depth, self._tag, self._parts = 0, "", []

    def start(self, tag: str, _attributes) -> None:
        self._depth += 1
        if self._depth == 2:
            self._tag, self._parts = "{" + tag if "}" in tag else tag, []
        elif self._depth == 3:
            self._close()

    def end(self, _tag: str) -> None:
        if self._depth == 2:
            self._close()
        self._depth -= 1

    def text(self, data: str) -> None:
        if self._depth == 2:
            self._parts.append(data)

    def _close(self) -> None:
        if self._tag:
            self.found[self._tag] = "".join(self._parts).strip()
            self._tag = ""


def to_xml(fields: dict[str, str | int]) -> str:
    """A flat <xml> document with escaped text (no CDATA, so no ']]>' trap) and no characters XML forbids."""
    return "<xml>" + "".join([f"<{k}>{_xml_text(v)}</{k}>" for k, v in fields.items()]) + "</xml>"


def _xml_text(value: str | int) -> str:
    """Element text: what XML forbids dropped, '&', '<' and '>' escaped; most values (ids, digits, base64) need
    neither and are kept as they are."""
    text = value if type(value) is str else str(value)
    if NOT_XML_CHAR.search(text):
        text = NOT_XML_CHAR.sub("", text)
    return escape(text) if "&" in text or "<" in text or ">" in text else text


class WeComCrypto:
    def __init__(self, token: str, aes_key: str, receive_id: str):
        try:
            key = base64.b64decode(aes_key + "=", validate=True)
        except binascii.Error:
            key = b""
        if len(key) != 32:
            raise ValueError("WECOM_AES_KEY must be the 43-character EncodingAESKey")
        self._token, self._receive_id = token, receive_id.encode()
        self._cipher = Cipher(algorithms.AES(key), modes.CBC(key[:16]))

    def signature(self, timestamp: str, nonce: str, encrypt: str) -> str:
        return hashlib.sha1("".join(sorted((self._token, timestamp, nonce, encrypt))).encode()).hexdigest()

    def check(self, signature: str, timestamp: str, nonce: str, encrypt: str, now: float) -> None:
        """Refuses a wrong signature or a timestamp outside ±TIMESTAMP_WINDOW of `now`."""
        if not hmac.compare_digest(self.signature(timestamp, nonce, encrypt).encode(), signature.encode()):
            raise CallbackError(403, "signature mismatch")
        if not ASCII_DIGITS.fullmatch(timestamp) or abs(int(timestamp) - now) > TIMESTAMP_WINDOW:
            raise CallbackError(403, "stale or invalid timestamp")

    def decrypt(self, encrypt: str) -> bytes:
        try:
            data = base64.b64decode(encrypt, validate=True)
        except (binascii.Error, ValueError):
            raise CallbackError(400, "bad base64") from None
        if not data or len(data) % 16:
            raise CallbackError(400, "ciphertext length is not a multiple of the block size")
        decryptor = self._cipher.decryptor()
        plain = decryptor.update(data) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise CallbackError(400, "bad padding")
        plain = plain[16:-pad]
        if len(plain) < 4:
            raise CallbackError(400, "truncated message")
        (length,) = struct.unpack(">I", plain[:4])
        message, receive_id = plain[4:4 + length], plain[4 + length:]
        if len(message) != length:
            raise CallbackError(400, "truncated message")
        if not hmac.compare_digest(receive_id, self._receive_id):
            raise CallbackError(403, "receive id (corp id) mismatch")
        return message

    def encrypt(self, message: bytes) -> str:
        plain = os.urandom(16) + struct.pack(">I", len(message)) + message + self._receive_id
        pad = BLOCK - len(plain) % BLOCK
        encryptor = self._cipher.encryptor()
        data = encryptor.update(plain + bytes([pad]) * pad) + encryptor.finalize()
        return base64.b64encode(data).decode()

    def verify_url(self, query: dict[str, str], now: float) -> bytes:
        """GET URL verification: the decrypted echostr to answer with. A raw '+' of base64 that reached us
        unencoded was decoded as a space; base64 has no spaces, so it is put back."""
        echostr = query.get("echostr", "").replace(" ", "+")
        self.check(query.get("msg_signature", ""), query.get("timestamp", ""), query.get("nonce", ""),
                   echostr, now)
        return self.decrypt(echostr)

    def open(self, query: dict[str, str], body: bytes, now: float) -> dict[str, str]:
        """POST callback: verify and decrypt the envelope, return the inner message's fields."""
        encrypt = parse_xml(body).get("Encrypt", "")
        if not encrypt:
            raise CallbackError(400, "no Encrypt element")
        self.check(query.get("msg_signature", ""), query.get("timestamp", ""), query.get("nonce", ""),
                   encrypt, now)
        return parse_xml(self.decrypt(encrypt))

    def seal(self, reply_xml: str, timestamp: str, nonce: str) -> str:
        """The encrypted passive-reply envelope for a plaintext reply."""
        encrypt = self.encrypt(reply_xml.encode())
        return to_xml({"Encrypt": encrypt, "MsgSignature": self.signature(timestamp, nonce, encrypt),
                       "TimeStamp": timestamp, "Nonce": nonce})
