"""The pages of alerts: ask for one, confirm it, manage an address's alerts, unsubscribe.

Thin: the rules are on the models (``alerts/models.py``), the links in
``alerts/links.py``. No page here is kept by a cache or indexed, and none passes its
address on to another site as a Referer: the signed links in it are as good as a
password.

Only the forms to ask for and to manage alerts set the CSRF cookie. The unsubscribe
address answers a bare POST too, as mail clients send it (RFC 8058), so it alone is
exempt from CSRF: its signed link is what authenticates it, and all it can do is stop
alerts.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from alerts import links, searches
from alerts.forms import FrequencyForm, SubscribeForm
from alerts.models import Alert, Subscriber
from disclosures.filters import DisclosureFilter
from disclosures.models import Disclosure
from foilog.limits import Limit
from foilog.proxy import client_ip
from foilog.routers import reads_from_primary

# Sign-ups from one client address (a person, or an office behind one address).
SIGN_UPS_PER_CLIENT = Limit("alerts-client", requests=20, seconds=60 * 60)
# Confirmation emails to one address: enough for someone following several searches,
# too few to fill a stranger's inbox by signing them up.
CONFIRMATIONS_PER_EMAIL = Limit("alerts-email", requests=5, seconds=24 * 60 * 60)


class PrivatePageMixin:
    """A page about one person's alerts: read from the primary database (so a change
    shows at once), never cached, never indexed, its address never sent on as a
    Referer to another site; a link that does not work answers a page saying why."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with reads_from_primary():
            try:
                response = super().dispatch(request, *args, **kwargs)
            except links.LinkExpired:
                response = render(
                    request, "alerts/link_problem.html", {"expired": True}, status=410
                )
            except links.LinkInvalid:
                response = render(
                    request, "alerts/link_problem.html", {"expired": False}, status=404
                )
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        add_never_cache_headers(response)
        # Not "no-referrer": browsers then send "Origin: null" with the form, which
        # Django's CSRF check rightly refuses. Same-origin: the signed link in the
        # address reaches only this site.
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex"
        return response


class SubscribeView(PrivatePageMixin, TemplateView):
    """``/alerts/subscribe/?q=drones&outcome=not-held``: ask for email alerts on the
    list's search in the parameters. The answer is the same whether or not the address
    has alerts already, or was asked for too often: a page saying to check your email."""

    template_name = "alerts/subscribe.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.filter = DisclosureFilter(request.GET, queryset=Disclosure.objects.public())
        return super().dispatch(request, *args, **kwargs)

    def search_errors(self) -> list[str]:
        """Why the search in the address cannot be followed; none when it can."""
        if not self.filter.is_valid():
            return [str(error) for errors in self.filter.errors.values() for error in errors]
        if len(searches.canonical(self.filter)) > searches.MAX_SEARCH_LENGTH:
            return [_("This search is too long to follow by email: choose fewer filters.")]
        return []

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return self.page(SubscribeForm(initial={"frequency": Alert.Frequency.DAILY}))

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not SIGN_UPS_PER_CLIENT.allows(client_ip(request)):
            response = render(request, "alerts/too_many.html", status=429)
            response["Retry-After"] = str(SIGN_UPS_PER_CLIENT.seconds)
            return response
        form = SubscribeForm(request.POST)
        if self.search_errors() or not form.is_valid():
            return self.page(form)
        email = form.cleaned_data["email"]
        # Over the limit for this address: the same answer, and nothing stored or sent.
        if CONFIRMATIONS_PER_EMAIL.allows(email):
            Subscriber.objects.sign_up(
                email, searches.canonical(self.filter), form.cleaned_data["frequency"]
            )
        return HttpResponseRedirect(reverse("alerts:subscribe-sent"), status=303)

    def page(self, form: SubscribeForm) -> HttpResponse:
        errors = self.search_errors()
        search = "" if errors else searches.canonical(self.filter)
        context = self.get_context_data(
            form=form,
            search_errors=errors,
            words="" if errors else searches.in_words([search])[search],
            search_path=searches.list_path(search),
        )
        status = 400 if errors or form.errors else 200
        return self.render_to_response(context, status=status)


class SubscribeSentView(PrivatePageMixin, TemplateView):
    template_name = "alerts/subscribe_sent.html"

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(days=links.CONFIRM.max_age.days, **kwargs)


def _alert_of(token: str) -> Alert | None:
    """The alert a confirmation link names; None when it was deleted since."""
    pk = links.pk_of(links.read(links.CONFIRM, token))
    return Alert.objects.select_related("subscriber").filter(pk=pk).first()


class ConfirmView(PrivatePageMixin, TemplateView):
    """The link in a confirmation email: a page with a button that turns the alert on.
    A button, not the link itself, because mail scanners follow links in emails, and
    would confirm alerts nobody asked for."""

    template_name = "alerts/confirm.html"

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        alert = _alert_of(token)
        if alert is None:
            raise links.LinkInvalid
        words = searches.in_words([alert.search])[alert.search]
        return self.render_to_response(self.get_context_data(alert=alert, words=words))

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        alert = _alert_of(token)
        if alert is None:
            raise links.LinkInvalid
        alert = alert.confirm()
        words = searches.in_words([alert.search])[alert.search]
        context = {
            "alert": alert,
            "words": words,
            "manage_path": reverse(
                "alerts:manage",
                kwargs={"token": links.token(links.MANAGE, str(alert.subscriber_id))},
            ),
        }
        return render(request, "alerts/confirmed.html", context)


class ManageView(PrivatePageMixin, TemplateView):
    """The link in every email: the address's alerts, each to change or delete."""

    template_name = "alerts/manage.html"

    def subscriber(self) -> Subscriber:
        pk = links.pk_of(links.read(links.MANAGE, self.kwargs["token"]))
        subscriber = Subscriber.objects.filter(pk=pk).first()
        if subscriber is None:
            raise links.LinkInvalid
        return subscriber

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return self.page(self.subscriber(), done=request.GET.get("done", ""))

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        subscriber = self.subscriber()
        alert_id = request.POST.get("alert", "")
        alert = (
            subscriber.alerts.filter(pk=int(alert_id)).first()
            if alert_id.isascii() and alert_id.isdigit() and len(alert_id) < 19
            else None
        )
        if alert is None:
            return self.page(subscriber, status=400, problem=_("That alert no longer exists."))
        if request.POST.get("action") == "delete":
            alert.delete_with_unused_address()
            if not Subscriber.objects.filter(pk=subscriber.pk).exists():
                return render(request, "alerts/unsubscribed.html", {"everything": True})
            return self.redirect("deleted")
        form = FrequencyForm(request.POST)
        if not form.is_valid():
            return self.page(subscriber, status=400, invalid=(alert.pk, form))
        alert.change_frequency(form.cleaned_data["frequency"])
        return self.redirect("changed")

    def redirect(self, done: str) -> HttpResponse:
        return HttpResponseRedirect(f"{self.request.path}?done={done}", status=303)

    def page(
        self,
        subscriber: Subscriber,
        *,
        done: str = "",
        status: int = 200,
        problem: str = "",
        invalid: tuple[int, FrequencyForm] | None = None,
    ) -> HttpResponse:
        alerts = list(subscriber.alerts.all())
        words = searches.in_words(alert.search for alert in alerts)
        rows = [
            {
                "alert": alert,
                "words": words[alert.search],
                "search_path": searches.list_path(alert.search),
                "form": (
                    invalid[1]
                    if invalid and invalid[0] == alert.pk
                    else FrequencyForm(initial={"frequency": alert.frequency})
                ),
            }
            for alert in alerts
        ]
        context = self.get_context_data(
            rows=rows,
            done=done if done in ("changed", "deleted") else "",
            problem=problem,
            unsubscribe_path=reverse(
                "alerts:unsubscribe",
                kwargs={"token": links.token(links.UNSUBSCRIBE, f"s{subscriber.pk}")},
            ),
        )
        return self.render_to_response(context, status=status)


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(PrivatePageMixin, TemplateView):
    """The unsubscribe link of every email, and its ``List-Unsubscribe`` address.

    GET shows what will stop, with a button (a link alone must not unsubscribe: mail
    scanners follow links, and RFC 8058 forbids it). POST, from that button or bare from
    a mail client (``List-Unsubscribe=One-Click``), stops it: one alert, or every alert
    of the address and the address itself. Saying it again is no error."""

    template_name = "alerts/unsubscribe.html"

    def target(self) -> tuple[Alert | None, Subscriber | None, bool]:
        """The alert or the address the link ends, and whether it is every alert."""
        value = links.read(links.UNSUBSCRIBE, self.kwargs["token"])
        if value.startswith("s"):
            subscriber = Subscriber.objects.filter(pk=links.pk_of(value, "s")).first()
            return None, subscriber, True
        alert = Alert.objects.filter(pk=links.pk_of(value, "a")).first()
        return alert, None, False

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        alert, subscriber, everything = self.target()
        gone = alert is None and subscriber is None
        words = searches.in_words([alert.search])[alert.search] if alert else ""
        context = self.get_context_data(alert=alert, everything=everything, gone=gone, words=words)
        return self.render_to_response(context)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        alert, subscriber, everything = self.target()
        if subscriber is not None:
            subscriber.unsubscribe()
        if alert is not None:
            alert.delete_with_unused_address()
        return render(request, "alerts/unsubscribed.html", {"everything": everything})
