"""Editors run the newsletter: editions, newsletters, subscribers and the suppression list."""

from django.contrib.auth.models import Group, Permission


def give_editors_the_newsletter(**kwargs):
    permissions = Permission.objects.filter(content_type__app_label="newsletter")
    for name in ("Editors", "Administrators"):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*permissions)
