import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User, normalize_email
from facilities.models import Facility, Membership, Role
from facilities.services import MembershipError, assign_coordinator, remove_coordinator


class Command(BaseCommand):
    help = (
        "Give a staff account a coordinator role at a facility, or remove it (audited). "
        "A new account is created when --create is given; its password is asked for."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("facility", help="facility code, e.g. ACC")
        parser.add_argument("--role", choices=Role.values, default=Role.IAC)
        parser.add_argument("--remove", action="store_true", help="end the membership")
        parser.add_argument("--create", action="store_true", help="create the account if new")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--listed", action="store_true", help="list on the public page")
        parser.add_argument("--title", default="", help="public title")
        parser.add_argument("--phone", default="", help="public phone")
        parser.add_argument("--public-email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        email = normalize_email(options["email"])
        facility = Facility.objects.filter(code=options["facility"].upper()).first()
        if facility is None:
            raise CommandError(f"No facility with code {options['facility']!r}.")
        user = User.objects.filter(email__iexact=email).first()
        by = "manage.py assign_coordinator"
        if options["remove"]:
            membership = Membership.objects.filter(user=user, facility=facility).first()
            if membership is None:
                raise CommandError(f"{email} holds no role at {facility.code}.")
            remove_coordinator(by=by, membership=membership)
            self.stdout.write(self.style.SUCCESS(f"Removed {email} from {facility.code}."))
            return
        if user is None:
            if not options["create"]:
                raise CommandError(f"No account for {email}; add --create to make one.")
            user = User(
                email=email, first_name=options["first_name"], last_name=options["last_name"]
            )
            user.set_password(self._ask_password(user))
            user.save()
        try:
            assign_coordinator(
                by=by,
                user=user,
                facility=facility,
                role=options["role"],
                is_listed=options["listed"],
                public_title=options["title"],
                public_phone=options["phone"],
                public_email=options["public_email"],
            )
        except (MembershipError, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"{email} is now {options['role']} at {facility.code}.")
        )

    def _ask_password(self, user: User) -> str:
        for _attempt in range(3):
            password = getpass.getpass(f"Password for {user.email}: ")
            try:
                validate_password(password, user)
            except ValidationError as exc:
                self.stderr.write(" ".join(exc.messages))
                continue
            if password == getpass.getpass("Again: "):
                return password
            self.stderr.write("The two passwords differ.")
        raise CommandError("No password set; the account was not created.")
