"""Outreach: program visits, messages to volunteers, recognition (certificates, milestones)."""
