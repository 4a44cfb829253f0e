import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from apps.accounts import services
from apps.accounts.forms import DeleteAccountForm, OnboardingForm, ProfileForm
from apps.accounts.http import AuthenticatedHttpRequest


def _save_profile(request: AuthenticatedHttpRequest, form: ProfileForm) -> None:
    data = form.cleaned_data
    services.user_update_profile(
        user=request.user,
        display_name=data["display_name"],
        timezone_name=data["timezone"],
        research_interests=data["research_interests"],
        bio=data.get("bio", request.user.bio),
        roles=data["roles"],
        request_coordinator=data.get("request_coordinator", False),
    )


@login_required
@require_http_methods(["GET", "POST"])
def onboarding(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OnboardingForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        _save_profile(request, form)
        messages.success(request, "Welcome to Pacer. Your home page now fits your roles.")
        return redirect("home")
    return render(request, "accounts/onboarding.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        _save_profile(request, form)
        messages.success(request, "Profile saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def export_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "accounts/export.html")
    data = services.user_export_data(user=request.user)
    stamp = timezone.now().strftime("%Y%m%d")
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="pacer-export-{stamp}.json"'
    return response


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def delete_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.user_delete(user=user)
        messages.success(request, "Your account and your data have been deleted.")
        return redirect("landing")
    return render(request, "accounts/delete.html", {"form": form})
