"""The newsletter's personal data for core/privacy.py: one reader's rows (export), their erasure,
and what is kept no longer than the settings say (purge).

An erased reader stays on the suppression list as a keyed hash of their address, written as
`<hash>@erased.invalid`: `.invalid` can never be delivered (RFC 2606) nor match a real address, and
every query that compares addresses with the list (sending, import) keeps working unchanged. A
signup or an import of the same address is refused quietly; only staff can lift it, by deleting
that line of the suppression list.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q

from samizdat.core.privacy import email_hash, email_hashes, normalise, scrub

from .models import Delivery, Edition, Subscriber, Subscription, Suppression

LABEL = "Newsletter"
ERASED_DOMAIN = "erased.invalid"


def erased_addresses(email):
    """The suppression list's entries that stand for this address once erased (one per key)."""
    return [f"{digest}@{ERASED_DOMAIN}" for digest in email_hashes(email)]


def is_erased(email):
    return Suppression.objects.filter(email__in=erased_addresses(email), reason=Suppression.ERASED).exists()


def erased_among(emails):
    """Those of these addresses that were erased: one query for a whole import."""
    erased = set(Suppression.objects.filter(reason=Suppression.ERASED).values_list("email", flat=True))
    return {email for email in emails if erased and not erased.isdisjoint(erased_addresses(email))}


def find(email):
    email = normalise(email)
    subscribers = Subscriber.objects.filter(email__iexact=email)
    return {
        "subscribers": [
            {"email": s.email, "created_at": s.created_at, "confirmation_sent_at": s.confirmation_sent_at,
             "imported": s.imported}
            for s in subscribers
        ],
        "subscriptions": [
            {"newsletter": s.newsletter.name, "status": s.status, "consent_at": s.consent_at,
             "consent_text": s.consent_text, "consent_source": s.consent_source, "confirmed_at": s.confirmed_at,
             "unsubscribed_at": s.unsubscribed_at}
            for s in Subscription.objects.filter(subscriber__in=subscribers).select_related("newsletter")
        ],
        "deliveries": [
            {"edition": d.edition.subject, "newsletter": d.edition.newsletter.name, "status": d.status,
             "sent_at": d.sent_at, "attempts": d.attempts, "error": d.error, "bounce": d.bounce}
            for d in Delivery.objects.filter(subscriber__in=subscribers).select_related("edition__newsletter")
        ],
        "suppressions": [
            {"reason": s.reason, "detail": s.detail, "created_at": s.created_at,
             "stored_as": "a hash of the address" if s.reason == Suppression.ERASED else "the address"}
            for s in Suppression.objects.filter(Q(email__iexact=email) | Q(email__in=erased_addresses(email)))
        ],
    }


def erase(email):
    """The reader's subscriber row goes with its subscriptions and deliveries (an edition's counts
    are kept on it first); their suppression entry becomes a hash, so they are never mailed again."""
    email = normalise(email)
    subscribers = Subscriber.objects.filter(email__iexact=email)
    deliveries = Delivery.objects.filter(subscriber__in=subscribers)
    for edition_id in deliveries.values_list("edition_id", flat=True).distinct():
        keep_counts(Edition.objects.get(pk=edition_id), deliveries.filter(edition_id=edition_id))
    done = {
        "subscriptions": Subscription.objects.filter(subscriber__in=subscribers).count(),
        "deliveries": deliveries.count(),
    }
    done["subscribers"] = subscribers.delete()[1].get(Subscriber._meta.label, 0)
    done["suppressions replaced by a hash"] = Suppression.objects.filter(email__iexact=email).delete()[0]
    Suppression.objects.update_or_create(
        email=f"{email_hash(email)}@{ERASED_DOMAIN}",
        defaults={"reason": Suppression.ERASED, "detail": "erased on request: never to be mailed again"},
    )
    # A pause reason quotes the server's answer, which may name the reader.
    for edition in Edition.objects.filter(pause_reason__icontains=email):
        edition.pause_reason = scrub(edition.pause_reason, email)
        edition.save(update_fields=["pause_reason"])
    return done


def keep_counts(edition, deliveries):
    """Add what these deliveries say to the edition's own counts, before they are removed: the
    editors still see how many got each edition."""
    counts = dict(edition.delivery_counts or {})
    for status, number in deliveries.values_list("status").annotate(n=Count("pk")):
        counts[status] = counts.get(status, 0) + number
    edition.delivery_counts = counts
    edition.save(update_fields=["delivery_counts"])


def purge(now):
    """Signups never confirmed after NEWSLETTER_UNCONFIRMED_DAYS; who got which edition after
    NEWSLETTER_DELIVERY_LOG_DAYS (the counts stay on the edition)."""
    unconfirmed = now - timedelta(days=settings.NEWSLETTER_UNCONFIRMED_DAYS)
    pending = Subscription.objects.filter(status=Subscription.PENDING, consent_at__lt=unconfirmed)
    done = {"unconfirmed signups": pending.delete()[0]}
    # A subscriber left with no subscription at all never confirmed anything: the address goes too.
    done["unconfirmed addresses"] = (
        Subscriber.objects.filter(created_at__lt=unconfirmed, subscriptions__isnull=True, deliveries__isnull=True)
        .delete()[1].get(Subscriber._meta.label, 0)
    )
    logs = now - timedelta(days=settings.NEWSLETTER_DELIVERY_LOG_DAYS)
    finished = Edition.objects.filter(status__in=[Edition.SENT, Edition.CANCELLED]).filter(
        Q(sent_at__lt=logs) | Q(sent_at__isnull=True, created_at__lt=logs)
    )
    removed = 0
    for edition in finished.filter(deliveries__isnull=False).distinct():
        deliveries = Delivery.objects.filter(edition=edition)
        keep_counts(edition, deliveries)
        removed += deliveries.delete()[0]
    done["delivery logs"] = removed
    return done

