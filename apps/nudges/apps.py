from django.apps import AppConfig


class NudgesConfig(AppConfig):
    name = "apps.nudges"
    label = "nudges"
