from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        # First log-in goes through onboarding so the navigation can fit the roles.
        user = request.user
        if user.is_authenticated and user.onboarded_at is None:
            return reverse("accounts:onboarding")
        return super().get_login_redirect_url(request)
