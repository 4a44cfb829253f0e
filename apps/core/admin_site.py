from allauth.account.decorators import secure_admin_login
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator


class PacerAdminSite(admin.AdminSite):
    """The admin, reached only through allauth's log-in and only with MFA switched on."""

    site_header = "Pacer administration"
    site_title = "Pacer admin"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and is_mfa_enabled(request.user)

    @method_decorator(login_not_required)
    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_staff and not is_mfa_enabled(user):
            messages.warning(
                request, "Staff must turn on two-factor authentication before using the admin."
            )
            return redirect("mfa_activate_totp")
        return secure_admin_login(super().login)(request, extra_context)
