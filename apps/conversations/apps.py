from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "apps.conversations"
    label = "conversations"
    verbose_name = "Messages"

    def ready(self) -> None:
        # Registered in every process so that beat's entry runs the task by name.
        from apps.conversations import tasks  # noqa: F401
