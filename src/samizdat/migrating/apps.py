from django.apps import AppConfig


class MigratingConfig(AppConfig):
    name = "samizdat.migrating"
    label = "migrating"
    verbose_name = "Moving in from another system"
    default_auto_field = "django.db.models.BigAutoField"
