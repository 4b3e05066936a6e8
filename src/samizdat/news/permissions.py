"""What each newsroom group may do. Applied after every migrate, so new models get their rights."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

WRITER_PAGE_PERMISSIONS = ["add_page", "change_page"]
EDITOR_PAGE_PERMISSIONS = WRITER_PAGE_PERMISSIONS + ["publish_page", "lock_page", "unlock_page"]
ADMIN_PAGE_PERMISSIONS = EDITOR_PAGE_PERMISSIONS + ["bulk_delete_page"]

ADMIN_ACCESS = Q(content_type__app_label="wagtailadmin", codename="access_admin")
MEDIA = Q(content_type__app_label__in=["wagtailimages", "wagtaildocs"], codename__regex=r"^(add|change|choose)_")
# Images and documents are governed by collection permissions. Writers add and choose, and change
# only their own uploads while nothing uses them, not even a draft (samizdat.media.review); editors
# change any.
WRITER_COLLECTION_PERMISSIONS = ["add_image", "choose_image", "add_document", "choose_document"]
EDITOR_COLLECTION_PERMISSIONS = WRITER_COLLECTION_PERMISSIONS + ["change_image", "change_document"]
NEWSROOM_SNIPPETS_VIEW = Q(content_type__app_label="news", codename__in=["view_author", "view_agency"])
# "Translate": a page or an author copied into a draft in another edition, to be adapted there.
TRANSLATE = Q(content_type__app_label="simple_translation", codename="submit_translation")
NEWSROOM_SNIPPETS_ALL = Q(content_type__app_label="news", content_type__model__in=["author", "agency"])


def apply_newsroom_permissions(**kwargs):
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    root = Page.get_first_root_node()
    if root is None:
        return
    give_collection_permissions(
        {"Writers": WRITER_COLLECTION_PERMISSIONS, "Editors": EDITOR_COLLECTION_PERMISSIONS}
    )
    rules = {
        "Writers": (WRITER_PAGE_PERMISSIONS, ADMIN_ACCESS | MEDIA | NEWSROOM_SNIPPETS_VIEW | TRANSLATE),
        "Editors": (EDITOR_PAGE_PERMISSIONS, ADMIN_ACCESS | MEDIA | NEWSROOM_SNIPPETS_ALL | TRANSLATE),
        "Administrators": (ADMIN_PAGE_PERMISSIONS, Q()),
    }
    for name, (page_codenames, model_permissions) in rules.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(model_permissions))
        for permission in Permission.objects.filter(
            content_type__app_label="wagtailcore", content_type__model="page", codename__in=page_codenames
        ):
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


def give_collection_permissions(rules):
    """These media rights on the root collection (and so on every collection below it)."""
    root = Collection.get_first_root_node()
    if root is None:
        return
    media = Q(content_type__app_label__in=["wagtailimages", "wagtaildocs"])
    for name, codenames in rules.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = Permission.objects.filter(media, codename__in=codenames)
        for permission in wanted:
            GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)
    # Newsrooms set up before writers lost the right to change anyone's media (Wagtail's own
    # "Editors" group, which became Writers, had it).
    GroupCollectionPermission.objects.filter(
        group__name="Writers", collection=root,
        permission__in=Permission.objects.filter(media, codename__startswith="change_"),
    ).delete()
