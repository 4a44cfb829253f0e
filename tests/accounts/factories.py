import factory
from allauth.account.models import EmailAddress
from django.utils import timezone as django_timezone

from apps.accounts.models import User

PASSWORD = "a-long-test-passphrase-42"


class UserFactory(factory.django.DjangoModelFactory):
    """A verified, onboarded person who can sign in with ``UserFactory.PASSWORD``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name")
    timezone = "Europe/London"
    research_interests = "reinforcement learning, optimisation"
    onboarded_at = factory.LazyFunction(django_timezone.now)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj: User, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


# Readable as ``UserFactory.PASSWORD`` in tests; set after the class body so that
# factory_boy does not take it for a model field.
UserFactory.PASSWORD = PASSWORD  # type: ignore[attr-defined]
