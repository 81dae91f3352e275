"""Alerts in the admin: counts for staff, addresses only with their own permission.

Staff who may view subscribers see how many addresses and alerts there are, and how
delivery is going; the addresses themselves, each address's alerts, and deleting an
address (an erasure request, say) need *Can see the email addresses of alert
subscribers*. Enforced here on the server: without it the list answers counts only and
every page of one subscriber answers 403. Nobody adds or edits an address here: only the
address's owner can, through the confirmation link.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from alerts.models import Alert, Subscriber

SEE_ADDRESSES = "alerts.see_subscriber_addresses"


def may_see_addresses(request: HttpRequest) -> bool:
    return request.user.has_perm(SEE_ADDRESSES)


class AlertInline(admin.TabularInline):
    model = Alert
    fields = (
        "search",
        "frequency",
        "created_at",
        "confirmed_at",
        "last_sent_at",
        "next_digest_at",
        "covered_until",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "created_at", "confirmed_at", "alert_count", "failed_deliveries")
    search_fields = ("email",)
    readonly_fields = (
        "email",
        "created_at",
        "confirmed_at",
        "failed_deliveries",
        "retry_at",
        "last_failure",
    )
    inlines = [AlertInline]
    counts_template = "admin/alerts/subscriber/counts.html"

    @admin.display(description="alerts")
    def alert_count(self, obj: Subscriber) -> int:
        return obj.alert_total

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(alert_total=Count("alerts"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and not may_see_addresses(request):
            return False
        return super().has_view_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return may_see_addresses(request) and super().has_delete_permission(request, obj)

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        if not may_see_addresses(request):  # searching by address would reveal one
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if may_see_addresses(request):
            return super().changelist_view(request, extra_context)
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": self.model._meta.verbose_name_plural,
            "counts": alert_counts(),
        }
        return TemplateResponse(request, self.counts_template, context)


def alert_counts() -> dict[str, int]:
    """How many addresses and alerts there are, in two queries."""
    now = timezone.now()
    counts = Subscriber.objects.aggregate(
        addresses=Count("pk"),
        confirmed_addresses=Count("pk", filter=Q(confirmed_at__isnull=False)),
        failing=Count("pk", filter=Q(failed_deliveries__gt=0)),
    )
    counts |= Alert.objects.aggregate(
        alerts=Count("pk", filter=Q(confirmed_at__isnull=False)),
        daily=Count("pk", filter=Q(confirmed_at__isnull=False, frequency=Alert.Frequency.DAILY)),
        weekly=Count("pk", filter=Q(confirmed_at__isnull=False, frequency=Alert.Frequency.WEEKLY)),
        unconfirmed=Count("pk", filter=Q(confirmed_at__isnull=True)),
        due=Count("pk", filter=Q(confirmed_at__isnull=False, next_digest_at__lte=now)),
    )
    return counts
