"""An edition to many readers in one email service API call, through django-anymail's batch sending.

The message goes once with the service's merge fields where each reader's links go; anymail's
`merge_data` gives each reader's values, `merge_headers` their Message-ID and List-Unsubscribe,
and `merge_metadata` the delivery it is, so the service's events name it. The service sends each
reader their own copy, addressed to them alone. One API call per batch, where one message per
reader costs a call each.

Only services whose merge fields work in a message of our own (no stored template) are listed
in MERGE_FIELDS; every other backend sends one message per call (outbox.py).
"""

from anymail.backends.mailgun import EmailBackend as MailgunBackend
from anymail.exceptions import AnymailAPIError, AnymailError, AnymailRecipientsRefused
from django.core.mail import EmailMultiAlternatives

from .messages import MESSAGE_ID
from .rendering import PREFERENCES, UNSUBSCRIBE

# How each service writes a merge field inside the message ("On-the-fly templating" at Mailgun).
MERGE_FIELDS = {
    MailgunBackend: "%recipient.{}%",
}
MOST_READERS = 1000  # Mailgun's limit of recipients per batch call
REFUSED = {"rejected", "invalid"}  # anymail's recipient statuses that mean the service won't send it

# Our placeholders, as the names of merge fields.
FIELDS = {UNSUBSCRIBE: "unsubscribe", PREFERENCES: "preferences"}


class InvalidAddress(ValueError):
    """One reader's address the service won't take, though not known to be dead: not delivered,
    not suppressed (failures.classify reads a ValueError so)."""


def takes_merge_data(connection):
    return any(isinstance(connection, backend) for backend in MERGE_FIELDS)


def merge_field(connection):
    return next(form for backend, form in MERGE_FIELDS.items() if isinstance(connection, backend))


def batch_message(letters, rows, field):
    """One EmailMessage for the readers in `rows`, (delivery id, subscriber id, email) each."""

    def with_fields(text):
        for placeholder, name in FIELDS.items():
            text = text.replace(placeholder, field.format(name))
        return text

    each = {email: letters.values(delivery_id, subscriber_id) for delivery_id, subscriber_id, email in rows}
    shared_headers = {name: value for name, value in letters.headers.items() if MESSAGE_ID not in value and UNSUBSCRIBE not in value}
    message = EmailMultiAlternatives(
        subject=letters.subject,
        body=with_fields(letters.text),
        from_email=letters.from_email,
        to=list(each),
        reply_to=letters.reply_to,
        headers=shared_headers,
    )
    message.attach_alternative(with_fields(letters.html), "text/html")
    message.merge_data = {email: {name: values[placeholder] for placeholder, name in FIELDS.items()} for email, values in each.items()}
    message.merge_headers = {
        email: {"Message-ID": values[MESSAGE_ID], "List-Unsubscribe": f"<{values[UNSUBSCRIBE]}>"} for email, values in each.items()
    }
    message.merge_metadata = {email: {"delivery": str(delivery_id)} for delivery_id, _, email in rows}
    return message


def send(connection, letters, rows):
    """Send to the readers in `rows` in one call; one outcome per row: None, or the error that
    row's reader met (the call's own error for everyone when the call failed)."""
    message = batch_message(letters, rows, merge_field(connection))
    try:
        connection.send_messages([message])
    except AnymailAPIError as error:
        if error.status_code == 400 and len(rows) > 1:
            # The service refuses a whole call for one address it calls invalid: find it, one reader a call.
            return [outcome for row in rows for outcome in send(connection, letters, [row])]
        if error.status_code == 400:
            return [InvalidAddress("the email service refused this reader's address (400)")]
        return [error] * len(rows)  # the call failed for every reader it carried: judged once (outbox.py)
    except AnymailError as error:
        return [error] * len(rows)
    statuses = message.anymail_status.recipients
    return [
        AnymailRecipientsRefused(f"the email service {statuses[email].status} this reader")
        if email in statuses and statuses[email].status in REFUSED else None
        for _, _, email in rows
    ]
