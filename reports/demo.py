"""Demo regions, so `make run` shows the reports grouped by region (and "no region")."""

from facilities.models import Facility, Region

DEMO_REGIONS = {"Central": ["ACC", "JCCC", "PP02"], "Northeast": ["BCC", "NECC"]}


def create_demo_regions() -> int:
    """Assign a few demo facilities to two regions (idempotent); the rest stay without one."""
    assigned = 0
    for name, codes in DEMO_REGIONS.items():
        region, _created = Region.objects.get_or_create(name=name)
        unassigned = Facility.objects.filter(code__in=codes, region__isnull=True)
        assigned += unassigned.update(region=region)
    return assigned
