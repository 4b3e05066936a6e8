"""Signed messages in 7-bit form (RFC 6376 5.3).

Django sends a text part that isn't ASCII as `8bit`, and an edition always has one (a "·" in the
footer, a reader's language). A relay whose next hop doesn't offer 8BITMIME must rewrite such a
part as quoted-printable (RFC 6152), which changes the signed bytes and breaks the signature. So a
signed message's 8-bit parts are quoted-printable from the start, and no relay has to touch them.

The encoding is binascii's (C; about 0.3 ms for an edition, done once per batch: messages.py then
encodes only each reader's own values) with CRLF line ends. The whole message is then ASCII, and
BODY=8BITMIME is no longer declared for it.
"""

import binascii


def quoted_printable(data):
    """`data` (bytes) as quoted-printable (RFC 2045 6.7): lines within 76 characters, CRLF line ends."""
    encoded = binascii.b2a_qp(data, istext=True)
    # b2a_qp ends its own (soft) lines the way the data ends its first; data without one gets LF.
    return encoded.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def to_seven_bit(mime, encode=quoted_printable):
    """Make each 8-bit part of the email.message `mime` quoted-printable, in place, through
    `encode` (bytes to quoted-printable bytes)."""
    for part in mime.walk():
        if part.is_multipart() or part.get("Content-Transfer-Encoding", "").lower() != "8bit":
            continue
        data = part.get_payload(decode=True)
        part.set_payload(encode(data).decode("ascii"))
        part.replace_header("Content-Transfer-Encoding", "quoted-printable")
