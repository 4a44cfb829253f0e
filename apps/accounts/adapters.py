from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        # First log-in goes through onboarding so the navigation can fit the roles.
        user = request.user
        if user.is_authenticated and user.onboarded_at is None:
            return reverse("accounts:onboarding")
        return super().get_login_redirect_url(request)

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        """Account emails (confirmation, password reset, security notices) come as
        plain text from their templates; give each an HTML part in Pacer's email
        layout, so every email Pacer sends looks like Pacer."""
        message = super().render_mail(template_prefix, email, context, headers)
        if isinstance(message, EmailMultiAlternatives) and not message.alternatives:
            html = render_to_string(
                "emails/account_message.html",
                {"subject": message.subject, "text": message.body},
            )
            message.attach_alternative(html, "text/html")
        return message
