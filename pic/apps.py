from django.apps import AppConfig


class PicConfig(AppConfig):
    """The project itself, installed last: its management commands (backup, restore) work
    on every app's data at once."""

    name = "pic"
    verbose_name = "PIC Portal"
