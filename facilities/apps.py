from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_delete, post_migrate, post_save


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

        # The public pages' cached fragments (facilities/directory_cache.py) go stale with any
        # write to what they show: the admin edits reference data without a service.
        from facilities import directory_cache
        from facilities.models import Facility, Membership, ProgramSettings, Region

        signals = {"save": post_save, "delete": post_delete}
        for model in (Facility, Region, Membership, ProgramSettings):
            for name, signal in signals.items():
                signal.connect(
                    directory_cache.on_reference_data_changed,
                    sender=model,
                    dispatch_uid=f"facilities.directory_cache.{model.__name__}.{name}",
                )
        for name, signal in signals.items():
            signal.connect(
                directory_cache.on_user_changed,
                sender=settings.AUTH_USER_MODEL,
                dispatch_uid=f"facilities.directory_cache.user.{name}",
            )
