from django.apps import AppConfig


class ReadinglistsConfig(AppConfig):
    name = "apps.readinglists"
    label = "readinglists"
