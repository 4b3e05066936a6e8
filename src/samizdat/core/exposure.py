"""Reasons not to serve the site beyond this machine: `samizdat serve` on a HOST other than the
loopback asks here first, and refuses with each reason given. core imports no app, so an app that
knows such a reason (the demo's known password) registers it in its AppConfig.ready."""

import ipaddress

REASONS = []


def register(check):
    """check() -> a sentence saying what to change, or "" when all is well."""
    REASONS.append(check)


def is_loopback(host):
    host = (host or "").strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def reasons_not_to_serve(host):
    """What stands against serving on `host` ([] on the loopback: only this machine can connect)."""
    if is_loopback(host):
        return []
    return [reason for reason in (check() for check in REASONS) if reason]
