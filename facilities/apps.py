from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = "Facilities"

    def ready(self) -> None:
        from facilities.services import ensure_pic_coordinators_group

        # Permissions exist only after migrate has run, so the group is set up then; after
        # every app's post_migrate, since apps later in INSTALLED_APPS add permissions too.
        post_migrate.connect(
            lambda **kwargs: ensure_pic_coordinators_group(),
            dispatch_uid="facilities.pic_coordinators_group",
            weak=False,
        )
