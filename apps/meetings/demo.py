"""Demo data of the meetings app."""

from apps.meetings import demo_feedback  # noqa: F401  (registers the feedback seeder)
