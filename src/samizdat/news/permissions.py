"""What each newsroom group may do. Applied after every migrate, so new models get their rights."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from wagtail.models import GroupPagePermission, Page

WRITER_PAGE_PERMISSIONS = ["add_page", "change_page"]
EDITOR_PAGE_PERMISSIONS = WRITER_PAGE_PERMISSIONS + ["publish_page", "lock_page", "unlock_page"]
ADMIN_PAGE_PERMISSIONS = EDITOR_PAGE_PERMISSIONS + ["bulk_delete_page"]

ADMIN_ACCESS = Q(content_type__app_label="wagtailadmin", codename="access_admin")
MEDIA = Q(content_type__app_label__in=["wagtailimages", "wagtaildocs"], codename__regex=r"^(add|change|choose)_")
NEWSROOM_SNIPPETS_VIEW = Q(content_type__app_label="news", codename__in=["view_author", "view_agency"])
NEWSROOM_SNIPPETS_ALL = Q(content_type__app_label="news", content_type__model__in=["author", "agency"])


def apply_newsroom_permissions(**kwargs):
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    root = Page.get_first_root_node()
    if root is None:
        return
    rules = {
        "Writers": (WRITER_PAGE_PERMISSIONS, ADMIN_ACCESS | MEDIA | NEWSROOM_SNIPPETS_VIEW),
        "Editors": (EDITOR_PAGE_PERMISSIONS, ADMIN_ACCESS | MEDIA | NEWSROOM_SNIPPETS_ALL),
        "Administrators": (ADMIN_PAGE_PERMISSIONS, Q()),
    }
    for name, (page_codenames, model_permissions) in rules.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(model_permissions))
        for permission in Permission.objects.filter(
            content_type__app_label="wagtailcore", content_type__model="page", codename__in=page_codenames
        ):
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
