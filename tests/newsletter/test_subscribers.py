"""The subscriber list: admin listing and search, CSV import with a report, export, bounces and
complaints from email services."""

import base64
import json

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from samizdat.newsletter import schedule
from samizdat.newsletter.importing import CSVFileError, import_subscribers
from samizdat.newsletter.models import Edition, Subscriber, Subscription, Suppression

from .conftest import subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    client.force_login(User.objects.create_superuser("editor", "editor@courier.example", "pw"))


def refused_reasons(report):
    return {line: reason for line, _, reason in report.refused}


def test_a_csv_import_takes_good_rows_and_says_why_it_refused_the_others(the_week):
    subscribe(the_week, "already@example.org")
    Suppression.objects.create(email="complained@example.org", reason=Suppression.COMPLAINED)
    subscribe(the_week, "left@example.org", status=Subscription.UNSUBSCRIBED)
    data = (
        "Name,Email,Joined\n"
        "Ana,ana@example.org,2020\n"           # 2
        "Bo,not-an-address,2021\n"             # 3
        "Cy,  CY@Example.org ,2021\n"          # 4
        "Dee,ana@example.org,2022\n"           # 5 duplicate of 2
        ",,\n"                                 # 6 empty: skipped
        "Ed,already@example.org,2019\n"        # 7
        "Fi,complained@example.org,2019\n"     # 8
        "Gus\n"                                # 9 short row
        "Hal,left@example.org,2018\n"          # 10
    ).encode()
    report = import_subscribers(data, the_week)
    assert [email for _, email in report.taken] == ["ana@example.org", "cy@example.org"]
    assert [email for _, email in report.already] == ["already@example.org"]
    reasons = refused_reasons(report)
    assert reasons[3] == "not an email address"
    assert reasons[5] == "the same address as line 2"
    assert reasons[8].startswith("on the suppression list (complained)")
    assert reasons[9] == "no email address in this row"
    assert reasons[10].startswith("unsubscribed earlier")
    assert 6 not in reasons
    taken = Subscription.objects.get(subscriber__email="cy@example.org")
    assert taken.status == Subscription.ACTIVE and taken.consent_source == "import"
    assert Subscription.objects.get(subscriber__email="left@example.org").status == Subscription.UNSUBSCRIBED
    assert not Subscription.objects.filter(subscriber__email="complained@example.org").exists()


def test_a_windows_excel_file_with_semicolons_and_no_header_is_read(the_week):
    data = "zoe@example.org;Zoë Ørsted\nmats@example.org;Mats Ålund\n".encode("cp1252")
    report = import_subscribers(data, the_week)
    assert [email for _, email in report.taken] == ["zoe@example.org", "mats@example.org"]
    assert any("Windows-1252" in note for note in report.notes)
    assert any("No header row" in note for note in report.notes)


def test_a_utf8_file_with_a_byte_order_mark_is_read(the_week):
    report = import_subscribers("\ufeffE-mail\r\nana@example.org\r\n".encode("utf-8"), the_week)
    assert [email for _, email in report.taken] == ["ana@example.org"]


@pytest.mark.parametrize(
    "data, says",
    [
        (b"", "empty"),
        (b"\n\n,,\n", "empty"),
        (b"PK\x03\x04binary spreadsheet", "spreadsheet"),
        (b"name,city\nAna,Halvik\n", "No column of email addresses"),
    ],
)
def test_a_file_that_cant_be_read_is_refused_whole_with_a_reason(the_week, data, says):
    with pytest.raises(CSVFileError, match=says):
        import_subscribers(data, the_week)
    assert not Subscriber.objects.exists()


def test_the_admin_import_page_shows_the_report(client, editor, the_week):
    upload = SimpleUploadedFile("list.csv", b"email\nana@example.org\nnope\n", content_type="text/csv")
    response = client.post("/admin/newsletter/import/", {
        "newsletter": the_week.pk, "file": upload, "consent": "Signed up on our old site", "vouch": "on",
    })
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 taken, 0 already subscribed, 1 refused" in page and "not an email address" in page
    subscription = Subscription.objects.get(subscriber__email="ana@example.org")
    assert subscription.consent_text.startswith("Signed up on our old site (imported from list.csv by editor)")
    bad = client.post("/admin/newsletter/import/", {
        "newsletter": the_week.pk, "file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04"), "consent": "x", "vouch": "on",
    })
    assert bad.status_code == 200 and "spreadsheet" in bad.content.decode()


def test_subscribers_are_listed_searched_and_exported(client, editor, the_week):
    subscribe(the_week, "ana@example.org", "bo@example.org")
    listing = client.get("/admin/snippets/newsletter/subscriber/?q=ana")
    assert listing.status_code == 200
    assert "ana@example.org" in listing.content.decode() and "bo@example.org" not in listing.content.decode()
    export = client.get("/admin/snippets/newsletter/subscriber/?export=csv")
    assert export.status_code == 200
    body = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert "ana@example.org" in body and "bo@example.org" in body and "The Week" in body


def postmark_event(client, payload, auth="hook:secret"):
    return client.post(
        "/newsletter/webhooks/postmark/tracking/",
        data=json.dumps(payload) if not isinstance(payload, str) else payload,
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(auth.encode()).decode(),
    )


def test_bounces_and_complaints_from_an_email_service_suppress_the_address(client, settings, the_week):
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    response = postmark_event(client, {"RecordType": "Bounce", "Type": "HardBounce", "Email": "Gone@Example.org",
                                       "MessageID": "m1", "BouncedAt": "2026-11-20T10:00:00Z", "Description": "No such user"})
    assert response.status_code == 200
    assert Suppression.objects.get(email="gone@example.org").reason == Suppression.BOUNCED
    postmark_event(client, {"RecordType": "SpamComplaint", "Type": "SpamComplaint", "Email": "angry@example.org",
                            "MessageID": "m2", "BouncedAt": "2026-11-20T10:00:00Z"})
    assert Suppression.objects.get(email="angry@example.org").reason == Suppression.COMPLAINED
    postmark_event(client, {"RecordType": "Bounce", "Type": "Transient", "Email": "later@example.org",
                            "MessageID": "m3", "BouncedAt": "2026-11-20T10:00:00Z"})
    assert not Suppression.objects.filter(email="later@example.org").exists()  # only delayed


def test_a_webhook_without_the_secret_or_with_junk_changes_nothing_and_is_no_500(client, settings):
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    forged = postmark_event(client, {"RecordType": "Bounce", "Type": "HardBounce", "Email": "victim@example.org"}, auth="hook:wrong")
    assert forged.status_code in (400, 401, 403)
    assert postmark_event(client, "{not json").status_code < 500
    assert not Suppression.objects.exists()


def test_a_suppressed_address_is_not_mailed_even_if_still_subscribed(smtp, the_week):
    subscribe(the_week, "ok@example.org", "bounced@example.org")
    Suppression.objects.create(email="bounced@example.org", reason=Suppression.BOUNCED)
    edition = Edition.objects.create(newsletter=the_week, subject="Hi", intro="Hello.")
    schedule.approve(edition, send_now=True)
    assert [m.recipients for m in smtp.received] == [["ok@example.org"]]
