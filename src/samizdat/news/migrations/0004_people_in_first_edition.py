"""Every author and agency so far belongs to the first edition (Wagtail's recipe for making a
model translatable: BootstrapTranslatableModel gives each row a translation key and the default
Locale)."""

from django.db import migrations
from wagtail.models import BootstrapTranslatableModel


class Migration(migrations.Migration):
    dependencies = [("news", "0003_people_translatable")]

    operations = [BootstrapTranslatableModel("news.Author"), BootstrapTranslatableModel("news.Agency")]
