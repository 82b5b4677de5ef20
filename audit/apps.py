from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Security audit log"

    def ready(self) -> None:
        from audit import signals

        signals.connect()
