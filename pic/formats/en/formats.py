"""How English dates read everywhere a person reads one: "December 1, 2026" (Django's own
English formats abbreviate months, "Dec. 1, 2026" and "Sept. 10, 2004"). CSV stays ISO."""

DATE_FORMAT = "F j, Y"
DATETIME_FORMAT = "F j, Y, g:i A"
TIME_FORMAT = "g:i A"
MONTH_DAY_FORMAT = "F j"
YEAR_MONTH_FORMAT = "F Y"
