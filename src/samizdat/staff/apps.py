from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "samizdat.staff"
    label = "staff"
    verbose_name = "Staff accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import audit

        audit.connect()
