import getpass
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import User, normalize_email
from facilities.services import make_pic_coordinator


class Command(BaseCommand):
    help = (
        "Create the first PIC Coordinator (or make an existing staff account one), audited. "
        "The password is asked for twice; piped on standard input, it is read once. "
        "Multi-factor enrollment follows at the first sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        email = normalize_email(options["email"])
        by = "manage.py create_pic_coordinator"
        user = User.objects.filter(email__iexact=email).first()
        with transaction.atomic():
            if user is None:
                user = User(
                    email=email, first_name=options["first_name"], last_name=options["last_name"]
                )
                user.set_password(self._password(user))
                user.save()
                created = True
            elif not user.has_usable_password():
                raise CommandError(
                    f"{email} is an applicant's account (no password): use another address."
                )
            else:
                created = False
            make_pic_coordinator(by=by, user=user)
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {email}: PIC Coordinator (statewide)."))
        self.stdout.write("Sign in at /staff/login/ to enroll an authenticator app.")

    def _password(self, user: User) -> str:
        if not sys.stdin.isatty():
            password = sys.stdin.readline().rstrip("\n")
            self._validate(password, user)
            return password
        for _attempt in range(3):
            password = getpass.getpass(f"Password for {user.email}: ")
            try:
                self._validate(password, user)
            except CommandError as exc:
                self.stderr.write(str(exc))
                continue
            if password == getpass.getpass("Again: "):
                return password
            self.stderr.write("The two passwords differ.")
        raise CommandError("No password set.")

    def _validate(self, password: str, user: User) -> None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
