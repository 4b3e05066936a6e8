"""Guessing passwords and flooding reset emails: refused with a clear page, counted without keeping IPs."""

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.management import call_command
from django.test import Client
from wagtail.models import ModelLogEntry

from tests.staff.helpers import PASSWORD, sign_in_with_password, staff_member

pytestmark = pytest.mark.django_db

CLIENT_IP = "203.0.113.77"


def test_the_eleventh_sign_in_after_ten_wrong_passwords_is_refused_with_a_clear_message():
    user = staff_member()
    guesser = Client(REMOTE_ADDR=CLIENT_IP)
    for attempt in range(9):
        response = sign_in_with_password(guesser, user, password=f"guess-{attempt}")
        assert response.status_code == 200, attempt
        assert "Your username and password didn" in response.content.decode()
    tenth = sign_in_with_password(guesser, user, password="guess-9")
    assert tenth.status_code == 429  # told at once, rather than at the next try

    response = sign_in_with_password(guesser, user)  # the eleventh, with the right password: too late
    page = response.content.decode()
    assert response.status_code == 429
    assert "Too many wrong passwords" in page
    assert "locked after 10 wrong passwords. Try again in 30 minutes." in page
    assert "Traceback" not in page and "axes" not in page.lower()
    assert guesser.get("/admin/").status_code == 302  # not signed in


def test_the_lock_is_for_that_account_from_that_client_only():
    user, colleague = staff_member(), staff_member("pavel")
    guesser = Client(REMOTE_ADDR=CLIENT_IP)
    for attempt in range(11):
        sign_in_with_password(guesser, user, password=f"guess-{attempt}")

    elsewhere = Client(REMOTE_ADDR="198.51.100.5")
    assert sign_in_with_password(elsewhere, user).status_code == 302
    assert sign_in_with_password(guesser, colleague).status_code == 302


def test_the_lock_ends_after_the_lockout_minutes():
    user = staff_member()
    guesser = Client(REMOTE_ADDR=CLIENT_IP)
    for attempt in range(10):
        sign_in_with_password(guesser, user, password=f"guess-{attempt}")
    assert sign_in_with_password(guesser, user).status_code == 429

    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time.replace(year=2000))
    assert sign_in_with_password(guesser, user).status_code == 302


def test_no_raw_ip_address_is_kept_in_the_database(capsys):
    user = staff_member()
    guesser = Client(REMOTE_ADDR=CLIENT_IP)
    for attempt in range(11):
        sign_in_with_password(guesser, user, password=f"guess-{attempt}")
    sign_in_with_password(Client(REMOTE_ADDR=CLIENT_IP), user)
    Client(REMOTE_ADDR=CLIENT_IP).post("/admin/password_reset/", {"email": user.email})

    call_command("dumpdata", format="json", stdout=None)
    everything = capsys.readouterr().out
    assert '"model": "axes.accessattempt"' in everything  # the attempts were counted
    assert CLIENT_IP not in everything
    assert PASSWORD not in everything and "guess-3" not in everything


def test_password_reset_emails_are_capped_per_address():
    user = staff_member()
    for n in range(3):
        response = Client(REMOTE_ADDR=f"198.51.100.{n}").post("/admin/password_reset/", {"email": user.email})
        assert response.status_code == 302
    assert len(mail.outbox) == 3

    response = Client(REMOTE_ADDR="198.51.100.9").post("/admin/password_reset/", {"email": user.email.upper()})
    assert response.status_code == 429
    assert "Password-reset emails were asked for too often" in response.content.decode()
    assert len(mail.outbox) == 3


def test_password_reset_requests_are_capped_per_client_without_saying_which_accounts_exist():
    staff_member("irina")
    flooder = Client(REMOTE_ADDR=CLIENT_IP)
    answers = [flooder.post("/admin/password_reset/", {"email": email}).status_code
               for email in ["nobody@courier.example", "irina@courier.example", "nemo@courier.example"]]
    assert answers == [302, 302, 302]  # the same answer for an account and for no account

    for email in ["irina@courier.example", "nobody-else@courier.example"]:
        response = flooder.post("/admin/password_reset/", {"email": email})
        assert response.status_code == 429
        assert "No email was sent" in response.content.decode()
    assert len(mail.outbox) == 1


@pytest.fixture
def fast_passwords(settings):
    """Dozens of sign-ins: a quick hasher (set before the accounts are made), the counting unchanged."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def guess_from_many_clients(user, count, first=0):
    """`count` wrong passwords for `user`, each from another client (a botnet, one try each)."""
    return [sign_in_with_password(Client(REMOTE_ADDR=f"198.18.{n // 250}.{n % 250 + 1}"), user, password=f"guess-{n}")
            for n in range(first, first + count)]


def test_fifty_wrong_passwords_from_many_clients_lock_the_account_for_everyone(fast_passwords):
    user, colleague = staff_member(), staff_member("pavel")
    answers = guess_from_many_clients(user, 50)
    assert [response.status_code for response in answers[:49]] == [200] * 49  # each client under its limit
    assert answers[49].status_code == 429  # the fiftieth: told at once

    response = sign_in_with_password(Client(REMOTE_ADDR="192.0.2.200"), user)  # the right password, a new client
    page = response.content.decode()
    assert response.status_code == 429
    assert "Too many wrong passwords" in page
    assert "locked for everyone after 50 wrong passwords from many places. Try again in 30 minutes." in page
    assert "Traceback" not in page and "axes" not in page.lower()
    assert Client(REMOTE_ADDR="192.0.2.200").get("/admin/").status_code == 302  # not signed in

    assert sign_in_with_password(Client(REMOTE_ADDR="192.0.2.200"), colleague).status_code == 302  # another account

    entries = ModelLogEntry.objects.filter(object_id=str(user.pk), action="samizdat_staff.account_locked")
    assert entries.count() == 1  # once, however many tries are refused
    assert "198.18." not in str(entries.get().data) and "192.0.2." not in str(entries.get().data)
    assert not ModelLogEntry.objects.filter(object_id=str(colleague.pk), action="samizdat_staff.account_locked").exists()


def test_under_the_account_cap_nobody_is_locked(fast_passwords):
    user = staff_member()
    guess_from_many_clients(user, 49)
    assert sign_in_with_password(Client(REMOTE_ADDR="192.0.2.200"), user).status_code == 302
    assert sign_in_with_password(Client(REMOTE_ADDR="198.18.0.1"), user).status_code == 302  # a guesser's client too
    assert not ModelLogEntry.objects.filter(action="samizdat_staff.account_locked").exists()


def test_the_account_cap_counts_within_the_lockout_minutes_and_is_a_setting(fast_passwords, settings):
    user = staff_member()
    guess_from_many_clients(user, 30)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time.replace(year=2000))
    guess_from_many_clients(user, 30, first=30)  # 60 in all, 30 of them long ago
    assert sign_in_with_password(Client(REMOTE_ADDR="192.0.2.200"), user).status_code == 302

    settings.STAFF_ACCOUNT_FAILURES = 0  # off: only the limit per client
    guess_from_many_clients(user, 60, first=100)
    assert sign_in_with_password(Client(REMOTE_ADDR="192.0.2.200"), user).status_code == 302
