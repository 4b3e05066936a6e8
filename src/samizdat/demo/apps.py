from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "samizdat.demo"
    label = "demo"
    verbose_name = "Demo newsroom"

    def ready(self):
        from samizdat.core import exposure

        from .newsroom import demo_password_in_use

        exposure.register(demo_password_in_use)
