"""Staff publishing in the Django admin.

Publishing, scheduling and withdrawing need the ``publish_disclosure`` permission. It is
enforced here on the server (read-only fields, action permissions), not only by hiding
buttons.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from disclosures.models import Disclosure, Exemption, Keyword

PUBLISHING_FIELDS = ("status", "published_at", "withdrawn_reason")


class PublicationStateFilter(admin.SimpleListFilter):
    title = _("publication state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("Draft")),
            ("scheduled", _("Scheduled")),
            ("public", _("Published")),
            ("withdrawn", _("Withdrawn")),
        ]

    def queryset(self, request, queryset):
        public = Disclosure.objects.public()
        match self.value():
            case "draft":
                return queryset.filter(status=Disclosure.Status.DRAFT)
            case "scheduled":
                return queryset.filter(status=Disclosure.Status.PUBLISHED).exclude(pk__in=public)
            case "public":
                return queryset.filter(pk__in=public)
            case "withdrawn":
                return queryset.filter(status=Disclosure.Status.WITHDRAWN)
        return queryset


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Public reason for withdrawal"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to anyone who follows a link to the withdrawn disclosure."),
    )


@admin.register(Disclosure)
class DisclosureAdmin(admin.ModelAdmin):
    list_display = ("reference", "title", "outcome", "response_date", "state", "updated_at")
    list_display_links = ("reference", "title")
    list_filter = (
        PublicationStateFilter,
        "outcome",
        ("exemptions", admin.RelatedOnlyFieldListFilter),
        "response_date",
    )
    search_fields = ("reference", "title", "request_text")
    date_hierarchy = "response_date"
    autocomplete_fields = ("exemptions", "keywords")
    readonly_fields = ("created_at", "updated_at", "updated_by")
    actions = ("publish_now", "unpublish", "withdraw")
    list_per_page = 50
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("reference", "title", "request_text")}),
        (
            _("Response"),
            {"fields": ("outcome", "exemptions", "response_date", "response_narrative")},
        ),
        (_("Keywords"), {"fields": ("keywords",)}),
        (_("Publication"), {"fields": PUBLISHING_FIELDS}),
        (_("Record"), {"fields": ("created_at", "updated_at", "updated_by")}),
    )

    @admin.display(description=_("state"))
    def state(self, obj: Disclosure) -> str:
        if obj.is_scheduled:
            return _("Scheduled for %s") % timezone.localtime(obj.published_at).strftime(
                "%d %b %Y %H:%M"
            )
        return obj.get_status_display()

    def view_on_site(self, obj: Disclosure) -> str | None:
        # Only a public entry has a public page; a link to a draft would be a 404.
        return obj.get_absolute_url() if obj.is_public else None

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("disclosures.publish_disclosure")

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields += PUBLISHING_FIELDS
        return fields

    def save_model(self, request: HttpRequest, obj: Disclosure, form, change: bool) -> None:
        if obj.status == Disclosure.Status.PUBLISHED and obj.published_at is None:
            obj.published_at = timezone.now()
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish selected disclosures now"), permissions=["publish"])
    def publish_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        for disclosure in queryset:
            disclosure.publish(by=request.user)
        self.message_user(
            request,
            ngettext("Published %d disclosure.", "Published %d disclosures.", len(queryset))
            % len(queryset),
            messages.SUCCESS,
        )

    @admin.action(description=_("Return selected disclosures to draft"), permissions=["publish"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet) -> None:
        for disclosure in queryset:
            disclosure.unpublish(by=request.user)
        self.message_user(
            request,
            ngettext(
                "%d disclosure is now a draft.", "%d disclosures are now drafts.", len(queryset)
            )
            % len(queryset),
            messages.SUCCESS,
        )

    @admin.action(description=_("Withdraw selected disclosures…"), permissions=["publish"])
    def withdraw(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        form = WithdrawForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            for disclosure in queryset:
                disclosure.withdraw(form.cleaned_data["reason"], by=request.user)
            self.message_user(
                request,
                ngettext("Withdrew %d disclosure.", "Withdrew %d disclosures.", len(queryset))
                % len(queryset),
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/disclosures/withdraw.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Withdraw disclosures"),
                "form": form,
                "disclosures": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Exemption)
class ExemptionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "legislation", "kind", "position")
    list_filter = ("legislation", "kind")
    search_fields = ("code", "slug", "name")
    prepopulated_fields = {"slug": ("code",)}


@admin.register(Keyword)
class KeywordAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
