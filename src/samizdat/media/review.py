"""Who may change a photo or document once something uses it.

Wagtail's ownership rule lets whoever uploaded an image or document edit and delete it. Writers
(who may add media but hold no collection-wide "change" right) keep that right only while
nothing uses their upload: "writers may add media and edit only their own, unused uploads".
A page that is live, scheduled, in moderation or a draft an editor will publish shows the file
as it is when readers get it, so replacing it would change an article, and the front page,
without an editor's review. Editors and administrators hold "change" and keep every right.

Used means any reference in Wagtail's reference index (a page, an author's photo, a snippet), or
in a page revision that may still become or is what readers see: each page's latest and live
revision, a revision scheduled to go live and one in moderation. Wagtail doesn't index
revisions (Revision is wagtail_reference_index_ignore), so a draft's changes, a scheduled change
to a live page and a change waiting in moderation are only found there; they also cover a page
just published while the background task that indexes it has not run yet.
"""

import logging

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel, get_all_child_relations
from wagtail.models import Page, ReferenceIndex, Revision, WorkflowState
from wagtail.permission_policies.collections import (
    CollectionOwnershipPermissionPolicy,
    CollectionPermissionPolicy,
)

logger = logging.getLogger(__name__)

REVIEWED_ACTIONS = {"change", "delete"}


def revisions_that_count():
    """The page revisions readers see or may yet see without anyone opening the old ones again."""
    pages = Page.objects.all()
    in_moderation = WorkflowState.objects.active().values("current_task_state__revision_id")
    return Revision.objects.filter(
        Q(pk__in=pages.exclude(latest_revision=None).values("latest_revision_id"))
        | Q(pk__in=pages.exclude(live_revision=None).values("live_revision_id"))
        | Q(approved_go_live_at__isnull=False)
        | Q(pk__in=in_moderation)
    )


def references_in(obj):
    """(model, id) of what `obj` refers to: its foreign keys, what its StreamField and rich text
    fields hold (their own `extract_references`, as Wagtail's reference index reads them), and
    the same for its inline children (bylines, gallery items)."""
    for field in obj._meta.concrete_fields:
        if field.many_to_one and not isinstance(field, ParentalKey):
            value = field.value_from_object(obj)
            if value is not None:
                yield field.related_model, str(value)
        if hasattr(field, "extract_references"):
            value = field.value_from_object(obj)
            if value is not None:
                for model, object_id, *_ in field.extract_references(value):
                    yield model, str(object_id)
    if isinstance(obj, ClusterableModel):
        for relation in get_all_child_relations(obj):
            for child in getattr(obj, relation.get_accessor_name()).all():
                yield from references_in(child)


def revision_refers_to(revision, instance):
    try:
        content = revision.as_object()
    except Exception:  # a revision that no longer loads: counted as using it, the safe side
        logger.warning("Revision %s could not be read to look for media in it", revision.pk, exc_info=True)
        return True
    object_id = str(instance.pk)
    return any(
        object_id == to_id and isinstance(instance, model) for model, to_id in references_in(content)
    )


def in_use(instance):
    """True if anything refers to `instance`: a page, live or not, a revision that counts, a
    snippet or an author's photo."""
    if ReferenceIndex.get_references_to(instance).exists():
        return True
    object_id = str(instance.pk)
    # Only revisions whose text has the id as a number are read whole.
    candidates = (
        revisions_that_count()
        .annotate(text=Cast("content", TextField()))
        .filter(text__regex=rf"(^|[^0-9]){object_id}([^0-9]|$)")
    )
    return any(revision_refers_to(revision, instance) for revision in candidates.iterator())


class ReviewedMediaPermissionPolicy(CollectionOwnershipPermissionPolicy):
    """Wagtail's collection ownership rule, with an owner's own rights ending once their upload is used."""

    def __init__(self, model, auth_model=None, owner_field_name="uploaded_by_user"):
        super().__init__(model, auth_model=auth_model, owner_field_name=owner_field_name)
        # The same collection rights without ownership: who may change anyone's uploads.
        self.collection_policy = CollectionPermissionPolicy(model, auth_model=auth_model)

    def may_change_anything(self, user, instance):
        return self.collection_policy.user_has_permission_for_instance(user, "change", instance)

    def held_for_review(self, user, instance):
        """True if `user` may change `instance` only as its uploader, and something uses it."""
        return not self.may_change_anything(user, instance) and in_use(instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        # Wagtail's user_has_permission_for_instance asks this with one action.
        ownership_rule = super().user_has_any_permission_for_instance
        allowed = {action for action in actions if ownership_rule(user, [action], instance)}
        if not allowed:
            return False
        return bool(allowed - REVIEWED_ACTIONS) or not self.held_for_review(user, instance)
