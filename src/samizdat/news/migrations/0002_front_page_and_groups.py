"""Put a HomePage at the root of the default site and set up the newsroom's groups.

Wagtail's initial data makes a plain welcome page and two groups: "Editors" (may add and edit) and
"Moderators" (may also publish, and approve in the default workflow). A newsroom calls these
Writers and Editors, so they are renamed; "Administrators" is new. Their permissions are kept in
step after every migrate by samizdat.news.permissions.
"""

from django.db import migrations
from django.utils import timezone


def create_front_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("news.HomePage")

    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    Page.objects.filter(content_type=page_type, depth=2, slug="home").delete()
    if HomePage.objects.exists():
        return
    home_type, _ = ContentType.objects.get_or_create(app_label="news", model="homepage")
    locale = Locale.objects.order_by("pk").first()
    now = timezone.now()
    home = HomePage.objects.create(
        title="Home",
        draft_title="Home",
        slug="home",
        content_type=home_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        live=True,
        first_published_at=now,
        last_published_at=now,
    )
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page_id": home.pk, "site_name": "samizdat"},
    )


def rename_groups(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Task = apps.get_model("wagtailcore.Task")
    Workflow = apps.get_model("wagtailcore.Workflow")
    if not Group.objects.filter(name="Writers").exists():
        Group.objects.filter(name="Editors").update(name="Writers")
    if not Group.objects.filter(name="Editors").exists():
        Group.objects.filter(name="Moderators").update(name="Editors")
    Group.objects.get_or_create(name="Writers")
    Group.objects.get_or_create(name="Editors")
    Group.objects.get_or_create(name="Administrators")
    Task.objects.filter(name="Moderators approval").update(name="Editors approval")
    Workflow.objects.filter(name="Moderators approval").update(name="Editorial review")


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_front_page, migrations.RunPython.noop),
        migrations.RunPython(rename_groups, migrations.RunPython.noop),
    ]
