"""Age, the one place it is computed (DESIGN rule 1).

Age is whole years on a date in the department's time zone (America/Chicago). Someone born
on 29 February reaches an age on 1 March in common years.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

DEPARTMENT_TZ = ZoneInfo("America/Chicago")
VOLUNTEER_AGE = 18
CONTACT_AGE = 19
OLDEST_AGE = 110


def today(now: datetime | None = None) -> date:
    """The date in Missouri at `now` (default: this moment)."""
    return (now or timezone.now()).astimezone(DEPARTMENT_TZ).date()


def age_on(born: date, on: date) -> int:
    """Whole years between `born` and `on`."""
    before_birthday = (on.month, on.day) < (born.month, born.day)
    return on.year - born.year - int(before_birthday)


def date_reaching(born: date, years: int) -> date:
    """The date on which someone born on `born` turns `years` old."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February in a common year
        return date(born.year + years, 3, 1)


def date_of_birth_problem(born: date, on: date) -> str | None:
    """Why `born` cannot be a date of birth as of `on`, or None when it can."""
    if born > on:
        return "in_future"
    if date_reaching(born, OLDEST_AGE) < on:  # born more than 110 years before `on`
        return "too_old"
    return None
