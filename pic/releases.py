"""The migrations each release shipped with, newest last: the upgrade test builds a database
at the previous release's state, fills it, and migrates it to the code at hand.

When you tag a release, append its leaf migrations here (`manage.py showmigrations` shows
the last applied one of each app).
"""

RELEASES: dict[str, dict[str, str]] = {
    # Reports, outreach and active volunteers (issues 8-10, 12): the first release the
    # department ran.
    "2026.12.0": {
        "audit": "0003_report_indexes",
        "accounts": "0002_signintoken",
        "facilities": "0006_program_settings_pic_coordinator_name",
        "partners": "0001_registry",
        "applications": "0006_application_organization",
        "volunteers": "0006_report_indexes",
        "screening": "0004_american_spelling_labels",
        "outreach": "0002_visits",
    },
}

PREVIOUS_RELEASE = next(reversed(RELEASES))
