"""DKIM signatures (RFC 6376) made by OpenSSL through the `cryptography` package.

dkimpy signs in pure Python (about 6 ms of CPU a message with a 2048-bit key); OpenSSL signs the
same in a fraction of a millisecond, so a signed edition goes out nearly as fast as an unsigned one.
Canonicalisation is relaxed/relaxed: what survives the relays that rewrap headers or trim trailing
spaces. RSA keys sign as rsa-sha256 (RFC 6376), Ed25519 keys as ed25519-sha256 (RFC 8463).
dkimpy stays in the tests, to verify what this module signs.
"""

import base64
import hashlib
import re
import time
from functools import cache

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from django.conf import settings

# Signed when present, each once (its last occurrence, as RFC 6376 5.4.2 counts from the bottom).
DKIM_HEADERS = [b"from", b"to", b"subject", b"date", b"message-id", b"list-id", b"list-unsubscribe", b"list-unsubscribe-post", b"reply-to", b"mime-version", b"content-type"]

_SPACES = re.compile(rb"  +")


class DKIMKeyError(Exception):
    """NEWSLETTER_DKIM_PRIVATE_KEY can't be read or isn't an RSA or Ed25519 private key."""


def signing():
    """Whether messages are signed: NEWSLETTER_DKIM_DOMAIN, _SELECTOR and _PRIVATE_KEY all set."""
    return bool(settings.NEWSLETTER_DKIM_PRIVATE_KEY and settings.NEWSLETTER_DKIM_DOMAIN and settings.NEWSLETTER_DKIM_SELECTOR)


def dkim_sign(raw):
    """`raw` (a whole message, CRLF line ends) with a DKIM-Signature prepended when signing();
    else `raw` as it is."""
    if not signing():
        return raw
    key = dkim_key(settings.NEWSLETTER_DKIM_PRIVATE_KEY)
    return signature(raw, key, settings.NEWSLETTER_DKIM_DOMAIN, settings.NEWSLETTER_DKIM_SELECTOR) + raw


@cache
def dkim_key(value):
    """The private key (PEM, or a path to a PEM file), parsed once per process."""
    try:
        if value.lstrip().startswith("-----BEGIN"):
            pem = value.encode()
        else:
            with open(value, "rb") as file:
                pem = file.read()
        key = serialization.load_pem_private_key(pem, password=None)
    except OSError as error:
        raise DKIMKeyError(f"NEWSLETTER_DKIM_PRIVATE_KEY: the key file can't be read ({error.strerror})") from error
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise DKIMKeyError("NEWSLETTER_DKIM_PRIVATE_KEY is not an unencrypted PEM private key") from error
    if not isinstance(key, (rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey)):
        raise DKIMKeyError("NEWSLETTER_DKIM_PRIVATE_KEY must be an RSA or Ed25519 key")
    return key


def signature(raw, key, domain, selector):
    """The DKIM-Signature header field (folded, ending in CRLF) for the message `raw`."""
    head, _, body = raw.partition(b"\r\n\r\n")
    last = {}  # each field's value by its name lowercased: its last occurrence (5.4.2 counts from the bottom)
    for name, value in header_fields(head):
        last[name.lower()] = value
    signed = [name for name in DKIM_HEADERS if name in last]
    algorithm = b"ed25519-sha256" if isinstance(key, ed25519.Ed25519PrivateKey) else b"rsa-sha256"
    body_hash = base64.b64encode(hashlib.sha256(relaxed_body(body)).digest())
    tags = [
        b"v=1", b"a=" + algorithm, b"c=relaxed/relaxed", b"d=" + domain.encode("idna"), b"s=" + selector.encode(),
        b"t=%d" % time.time(), b"h=" + b":".join(signed), b"bh=" + body_hash,
    ]
    field = b"DKIM-Signature: " + b";\r\n\t".join(tags) + b";\r\n\tb="
    data = b"".join([relaxed_header(name, last[name]) for name in signed])
    data += relaxed_header(b"dkim-signature", field[len(b"DKIM-Signature:"):])[:-2]  # no CRLF after b= (3.7)
    if algorithm == b"rsa-sha256":
        value = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    else:
        value = key.sign(hashlib.sha256(data).digest())  # RFC 8463 3: Ed25519 over the SHA-256 digest
    encoded = base64.b64encode(value)
    return field + b"\r\n\t".join(encoded[n:n + 72] for n in range(0, len(encoded), 72)) + b"\r\n"


def header_fields(head):
    """[(name, value)] of a header block, values still folded as they were (relaxed
    canonicalisation ignores whitespace before the colon, so names lose theirs here)."""
    fields = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and fields:
            name, value = fields[-1]
            fields[-1] = (name, value + b"\r\n" + line)
        else:
            name, _, value = line.partition(b":")
            fields.append((name.rstrip(b" \t"), value))
    return fields


def relaxed_header(name, value):
    """RFC 6376 3.4.2 for a field whose name is already lowercase: value unfolded, runs of
    whitespace one space, none at the ends."""
    value = one_space(value.replace(b"\r\n", b"")).strip(b" ")
    return name + b":" + value + b"\r\n"


def relaxed_body(body):
    """RFC 6376 3.4.4: runs of whitespace one space, none at line ends, no empty lines at the end."""
    body = one_space(body).replace(b" \r\n", b"\r\n").rstrip(b"\r\n ")
    return body + b"\r\n" if body else b""


def one_space(text):
    """Each run of spaces and tabs as one space. A regular expression matching every run costs
    half a millisecond on an edition; most of its spaces are single, so only the rest are searched."""
    if b"\t" in text:
        text = text.replace(b"\t", b" ")
    return _SPACES.sub(b" ", text) if b"  " in text else text
