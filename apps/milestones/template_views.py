"""Plan templates: the built-in ones and those coordinators write, and their pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.http import AuthenticatedHttpRequest
from apps.core.forms import add_service_errors
from apps.milestones import selectors, services
from apps.milestones.forms import PlanTemplateForm
from apps.milestones.models import Category


@require_GET
def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "milestones/template_list.html",
        {
            "templates": selectors.template_choices(user=request.user),
            "can_create": request.user.is_coordinator,
        },
    )


@require_GET
def template_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    template = selectors.template_get(slug=slug, user=request.user)
    if template is None:
        raise Http404("No such template.")
    titles = {m.key: m.title for m in template.milestones}
    return render(
        request,
        "milestones/template_detail.html",
        {"template": template, "titles": titles, "categories": dict(Category.choices)},
    )


@require_http_methods(["GET", "POST"])
def template_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_coordinator:
        raise Http404("Only coordinators write templates.")
    form = PlanTemplateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.plan_template_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Template saved; everyone can now start a plan from it.")
            return redirect("milestones:template_detail", slug=f"custom-{template.pk}")
    return render(request, "milestones/template_form.html", {"form": form})
