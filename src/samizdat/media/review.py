"""Who may change a photo or document that readers already see.

Wagtail's ownership rule lets whoever uploaded an image or document edit and delete it. Writers
(who may add media but hold no collection-wide "change" right) keep that right only while nothing
published shows their upload: replacing the file of a live image would change a live article,
and the front page, without an editor's review. Editors and administrators hold "change" and
keep every right.
"""

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, ReferenceIndex
from wagtail.permission_policies.collections import (
    CollectionOwnershipPermissionPolicy,
    CollectionPermissionPolicy,
)

REVIEWED_ACTIONS = {"change", "delete"}


def shown_to_readers(instance):
    """True if a live page uses `instance`, or anything that is not a page (an author's photo,
    a snippet), which is shown as it is saved, with no draft in between."""
    references = ReferenceIndex.get_references_to(instance)
    page_type = ContentType.objects.get_for_model(Page)
    if references.exclude(base_content_type=page_type).exists():
        return True
    page_ids = [int(page_id) for page_id in references.filter(base_content_type=page_type).values_list("object_id", flat=True)]
    return Page.objects.live().filter(pk__in=page_ids).exists()


class ReviewedMediaPermissionPolicy(CollectionOwnershipPermissionPolicy):
    """Wagtail's collection ownership rule, with an owner's own rights ending where readers begin."""

    def __init__(self, model, auth_model=None, owner_field_name="uploaded_by_user"):
        super().__init__(model, auth_model=auth_model, owner_field_name=owner_field_name)
        # The same collection rights without ownership: who may change anyone's uploads.
        self.collection_policy = CollectionPermissionPolicy(model, auth_model=auth_model)

    def may_change_anything(self, user, instance):
        return self.collection_policy.user_has_permission_for_instance(user, "change", instance)

    def held_for_review(self, user, instance):
        """True if `user` may change `instance` only as its uploader, and readers already see it."""
        return not self.may_change_anything(user, instance) and shown_to_readers(instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        # Wagtail's user_has_permission_for_instance asks this with one action.
        ownership_rule = super().user_has_any_permission_for_instance
        allowed = {action for action in actions if ownership_rule(user, [action], instance)}
        if not allowed:
            return False
        return bool(allowed - REVIEWED_ACTIONS) or not self.held_for_review(user, instance)
