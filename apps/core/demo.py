"""The demo data set's sign-in details, printed by the quick start and used by
``manage.py seed_demo``."""

DEMO_PASSWORD = "pacer-demo-2026"  # noqa: S105  (documented demo credential)
DEMO_STUDENT = "student@demo.pacer.test"
DEMO_MENTOR = "mentor@demo.pacer.test"
DEMO_COORDINATOR = "coordinator@demo.pacer.test"
