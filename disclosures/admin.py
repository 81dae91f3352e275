"""Staff publishing in the Django admin.

Publishing, scheduling and withdrawing need the ``publish_disclosure`` permission. It is
enforced here on the server (read-only fields, action permissions), not only by hiding
buttons.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from disclosures import imports, search, tasks
from disclosures.models import (
    Change,
    Clarification,
    Disclosure,
    Document,
    Exemption,
    Keyword,
    Legislation,
    Outcome,
)

PUBLISHING_FIELDS = ("status", "published_at", "withdrawn_reason")
# How the request was handled: the time limits, the internal review and the complaint to
# the Commissioner (the timeliness statistics are made of them).
HANDLING_FIELDS = Disclosure.HANDLING_FIELDS


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


# Uploads waiting to be imported, in the session: token → filename, sheet, publish.
IMPORT_SESSION_KEY = "disclosure_imports"
# Rows listed in the import report page; manage.py import_log lists them all.
IMPORT_REPORT_ROWS = 2000


class ImportLogForm(forms.Form):
    file = forms.FileField(
        label=_("Log file"),
        help_text=format_lazy(
            _(
                "A CSV or Excel (.xlsx) file, one disclosure a row, of at most {size} MB. "
                "Larger logs are imported with manage.py import_log, which has no limit."
            ),
            size=imports.MAX_UPLOAD_SIZE // (1024 * 1024),
        ),
    )
    sheet = forms.CharField(
        label=_("Sheet"),
        required=False,
        max_length=100,
        help_text=_("For a workbook: the sheet to read. Blank: the first visible sheet."),
    )
    publish = forms.BooleanField(
        label=_("Publish new disclosures"),
        required=False,
        initial=True,
        help_text=_(
            "Each is published as of 09:00 on its response date (when imported, if it has "
            "none). Untick to import drafts."
        ),
    )

    def __init__(self, *args, may_publish: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not may_publish:
            # Without the publish permission an import makes drafts only.
            del self.fields["publish"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_UPLOAD_SIZE:
            raise ValidationError(
                _(
                    "The file is larger than %(size)d MB, the most this page takes: import it "
                    "with manage.py import_log on the server, which has no limit."
                )
                % {"size": imports.MAX_UPLOAD_SIZE // (1024 * 1024)}
            )
        return upload


# What an outcome wording may be read as, in the mapping step.
OUTCOME_MEANINGS = [
    ("", _("— not understood —")),
    *[(value, label) for value, label in Outcome.choices],
    (imports.known.SKIP, _("Leave the row out: not an answered request")),
]


class ImportMappingForm(forms.Form):
    """The mapping step of an import: the field each of the file's columns holds,
    prefilled by the same rules as the command line; the order of dates; and what each
    outcome wording the check did not understand means."""

    dates = forms.ChoiceField(
        label=_("Dates written with numbers only (03/04/2022)"),
        required=False,
        choices=[
            ("", _("Decide from each column")),
            (imports.DateOrder.DAY_FIRST.value, _("Day first: 24/02/2022")),
            (imports.DateOrder.MONTH_FIRST.value, _("Month first: 02/24/2022")),
        ],
    )

    def __init__(self, *args, headings: list[str], wordings: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.headings, self.wordings = headings, wordings
        fields = [("", _("— ignore —"))] + [(f.name, f.label) for f in imports.known.FIELDS]
        for index, heading in enumerate(headings):
            found = imports.known.FIELD_BY_HEADING.get(imports.known.heading_key(heading))
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=heading, required=False, choices=fields, initial=found.name if found else ""
            )
        for index, wording in enumerate(wordings):
            self.fields[f"outcome_{index}"] = forms.ChoiceField(
                label=wording, required=False, choices=OUTCOME_MEANINGS
            )
        if self.is_bound:
            # A column the submission does not mention is read as the rules read it.
            self.data = self.data.copy()
            for field in self.column_fields():
                self.data.setdefault(field.html_name, field.initial)

    @classmethod
    def wordings_posted(cls, data) -> list[str]:
        """The outcome wordings a submitted form mapped, in its order."""
        found = []
        index = 0
        while f"wording_{index}" in data:
            found.append(data[f"wording_{index}"][:300])
            index += 1
        return found

    def column_fields(self):
        return [self[f"column_{index}"] for index in range(len(self.headings))]

    def outcome_fields(self):
        return [self[f"outcome_{index}"] for index in range(len(self.wordings))]

    def options(self, **settings) -> imports.Options:
        """The import's options as the form chose them (call after ``is_valid``)."""
        data = self.cleaned_data
        columns = {
            heading: data.get(f"column_{index}") or None
            for index, heading in enumerate(self.headings)
        }
        outcomes = {
            wording: data[f"outcome_{index}"]
            for index, wording in enumerate(self.wordings)
            if data.get(f"outcome_{index}")
        }
        dates = imports.DateOrder(data["dates"]) if data.get("dates") else None
        return imports.Options(columns=columns, outcomes=outcomes, dates=dates, **settings)


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ("title", "file", "position")

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload and "file" in self.changed_data:
            data = upload.read()
            upload.seek(0)
            try:
                self.instance.inspect(data, upload.name)
            except ValidationError as error:
                self.add_error("file", error)
        return cleaned


class DocumentInline(admin.TabularInline):
    """Released documents: checked by content when attached, their text made searchable."""

    model = Document
    form = DocumentForm
    extra = 1
    fields = ("title", "file", "position", "kind", "size", "findings_count")
    readonly_fields = ("kind", "size", "findings_count")

    @admin.display(description=_("safety findings"))
    def findings_count(self, document: Document) -> int | str:
        return len(document.findings) if document.pk else "–"


class ClarificationInline(admin.TabularInline):
    """Each time the requester was asked to clarify the request: the time limit runs again
    from the day the answer arrived."""

    model = Clarification
    extra = 0
    fields = ("asked", "answered")


class ChangeInline(admin.TabularInline):
    """The disclosure's history, read only: who changed what, and when."""

    model = Change
    extra = 0
    can_delete = False
    fields = ("changed_at", "changed_by", "what_changed")
    readonly_fields = fields
    verbose_name_plural = _("history")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("what changed"))
    def what_changed(self, change: Change) -> str:
        if change.created:
            return _("Created")
        return format_html_join(
            "",
            "<div><strong>{}</strong>: {} → {}</div>",
            (
                (name.replace("_", " "), _short(before), _short(after))
                for name, (before, after) in change.fields.items()
            ),
        )


def _short(value: str, limit: int = 120) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _form_field(db_field, **kwargs):
    # A decision notice's address typed without a scheme is an https one (and Django 6
    # assumes so too).
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class DisclosureForm(forms.ModelForm):
    # Shown to publishers when there are safety findings. The fingerprint of the findings
    # on screen travels with the form, so ticking the box approves exactly what was seen,
    # not a document uploaded in the same save.
    safety_review = forms.BooleanField(
        label=_("I have reviewed every safety finding listed above"), required=False
    )
    safety_fingerprint_seen = forms.CharField(widget=forms.HiddenInput, required=False)
    original_url = forms.URLField(
        label=_("Original publication"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=Disclosure._meta.get_field("original_url").help_text,
    )

    class Meta:
        model = Disclosure
        formfield_callback = _form_field
        fields = (
            "reference",
            "title",
            "request_text",
            "outcome",
            "exemptions",
            "response_date",
            "response_narrative",
            "original_url",
            "keywords",
            *HANDLING_FIELDS,
            *PUBLISHING_FIELDS,
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["safety_fingerprint_seen"].initial = self.instance.safety_fingerprint()


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
    readonly_fields = (
        "created_at",
        "updated_at",
        "updated_by",
        "safety_findings",
        "earlier_answers",
        "imported_from",
    )
    form = DisclosureForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = (ClarificationInline, DocumentInline, ChangeInline)
    actions = ("publish_now", "unpublish", "withdraw")
    list_per_page = 50
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("reference", "title", "request_text")}),
        (
            _("Response"),
            {
                "fields": (
                    "outcome",
                    "exemptions",
                    "response_date",
                    "response_narrative",
                    "original_url",
                )
            },
        ),
        (
            _("Handling"),
            {
                "fields": HANDLING_FIELDS,
                "description": _(
                    "When the request arrived and how it was handled, where known. Add each "
                    "clarification asked for below, under Clarifications."
                ),
            },
        ),
        (_("Keywords"), {"fields": ("keywords",)}),
        (_("Earlier answers to similar requests"), {"fields": ("earlier_answers",)}),
        (_("Safety checks"), {"fields": ("safety_findings",)}),
        (_("Publication"), {"fields": PUBLISHING_FIELDS}),
        (_("Record"), {"fields": ("created_at", "updated_at", "updated_by", "imported_from")}),
    )

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_publish_permission(request):
            review = ("safety_review", "safety_fingerprint_seen")
            fieldsets = [
                (name, {**opts, "fields": (*opts["fields"], *review)})
                if name == _("Safety checks")
                else (name, opts)
                for name, opts in fieldsets
            ]
        return fieldsets

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("updated_by")

    @admin.display(description=_("findings"))
    def safety_findings(self, obj: Disclosure) -> str:
        if not obj.pk:
            return _("Checked when the disclosure and its documents are saved.")
        findings = obj.safety_findings()
        if not findings:
            return _("No findings in the text or the documents.")
        status = (
            _("Reviewed by a publisher.")
            if not obj.needs_safety_review()
            else _("Not yet reviewed: a publisher must review these before publishing.")
        )
        return format_html(
            "<p><strong>{}</strong></p><ul>{}</ul>",
            status,
            format_html_join(
                "",
                "<li><strong>{}</strong> {}: {}</li>",
                ((where, finding.location, finding.message) for where, finding in findings),
            ),
        )

    @admin.display(description=_("imported from"))
    def imported_from(self, obj: Disclosure) -> str:
        """The row, or rows, of the log file the entry was imported from, every column as
        the file had it: what the import read, and what it left aside."""
        source = obj.imported_row or {}
        if not source.get("rows"):
            return _("Not imported from a log file.")
        where = source["file"] + (f" ({source['sheet']})" if source.get("sheet") else "")
        return format_html_join(
            "",
            '<table class="imported-row"><caption>{}</caption><tbody>{}</tbody></table>',
            (
                (
                    _("%(file)s, row %(number)s") % {"file": where, "number": row["number"]},
                    format_html_join(
                        "",
                        '<tr><th scope="row">{}</th><td>{}</td></tr>',
                        ((heading, value) for heading, value in row["cells"]),
                    ),
                )
                for row in source["rows"]
            ),
        )

    @admin.display(description=_("published disclosures"))
    def earlier_answers(self, obj: Disclosure) -> str:
        if not obj.pk:
            return _("Shown once the draft is saved.")
        similar = search.similar_to(obj)
        if not similar:
            return _("No similar published disclosures.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> {} ({}, {})</li>',
                (
                    (
                        d.get_absolute_url(),
                        d.reference,
                        d.title,
                        d.get_outcome_display(),
                        d.response_date.strftime("%d %b %Y")
                        if d.response_date
                        else _("response date not recorded"),
                    )
                    for d in similar
                ),
            ),
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
        stored = Disclosure.objects.filter(pk=obj.pk).first() if change else None
        form.stored_status = stored.status if stored else Disclosure.Status.DRAFT
        form.snapshot_before = stored.snapshot() if stored else {}
        if obj.status == Disclosure.Status.PUBLISHED and obj.published_at is None:
            obj.published_at = timezone.now().replace(microsecond=0)
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        for instance in formset.save(commit=False):
            if isinstance(instance, Document) and instance.uploaded_by_id is None:
                instance.uploaded_by = request.user
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """After documents and keywords are saved: apply the publisher's review, keep an
        entry with unreviewed findings out of public view, and record the change."""
        super().save_related(request, form, formsets, change)
        obj = form.instance
        seen = form.cleaned_data.get("safety_fingerprint_seen")
        if (
            form.cleaned_data.get("safety_review")
            and self.has_publish_permission(request)
            and seen == obj.safety_fingerprint()
        ):
            obj.mark_safety_reviewed()
            obj.save(update_fields=["safety_reviewed_fingerprint"])
        # The publish gate, as publish() and the importer ask it.
        if obj.status == Disclosure.Status.PUBLISHED and obj.reasons_not_to_publish():
            obj.status = (
                form.stored_status
                if form.stored_status != Disclosure.Status.PUBLISHED
                else Disclosure.Status.DRAFT
            )
            obj.save(update_fields=["status"])
            self.message_user(
                request,
                _(
                    "%(reference)s was not published: review its safety findings, tick the "
                    "box to confirm, and save again."
                )
                % {"reference": obj.reference},
                messages.ERROR,
            )
        obj.record_change(form.snapshot_before, request.user)

    def response_action(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        # One transaction per action: if the database fails part way through publishing
        # or withdrawing a selection, none of it is changed, never half of it. (The
        # change form already saves in one transaction.)
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().response_action(request, queryset)

    @admin.action(description=_("Publish selected disclosures now"), permissions=["publish"])
    def publish_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        published = 0
        for disclosure in queryset:
            try:
                disclosure.publish(by=request.user)
                published += 1
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
        self.message_user(
            request,
            ngettext("Published %d disclosure.", "Published %d disclosures.", published)
            % published,
            messages.SUCCESS if published else messages.WARNING,
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

    def get_urls(self):
        # Before the default URLs, whose "<path:object_id>/" would otherwise take "import/".
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="disclosures_disclosure_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Import a log: upload a file; map its columns and wordings, seeing the first
        rows and the check of every row; import.

        Needs the add permission. New entries are published only for staff who may
        publish; existing entries are updated only for staff who may change them. From
        the upload to the import the file waits in the default storage under a random
        name (``imports.keep_upload``) that only this session may use, so the rows
        imported are the rows checked.
        """
        if not self.has_add_permission(request):
            raise PermissionDenied
        may_publish = self.has_publish_permission(request)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a log"),
            "opts": self.model._meta,
            "may_publish": may_publish,
            "report_rows_limit": IMPORT_REPORT_ROWS,
            "max_upload_mb": imports.MAX_UPLOAD_SIZE // (1024 * 1024),
            "known": imports.known.sections(),
        }
        if request.method == "POST" and "token" in request.POST:
            return self._map_and_import(request, request.POST["token"], context)

        form = ImportLogForm(request.POST or None, request.FILES or None, may_publish=may_publish)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            sheet = form.cleaned_data["sheet"] or None
            try:
                log = imports.read_log(data, upload.name, sheet=sheet)
            except imports.LogFileError as error:
                form.add_error("file", str(error))
            else:
                token = imports.keep_upload(data)
                # Only the latest few uploads of a session wait.
                pending = list(request.session.get(IMPORT_SESSION_KEY, {}).items())[-4:]
                request.session[IMPORT_SESSION_KEY] = dict(pending) | {
                    token: {
                        "filename": upload.name,
                        "sheet": sheet,
                        "publish": may_publish and form.cleaned_data.get("publish", False),
                    }
                }
                # Every column as the rules read it.
                mapping = ImportMappingForm({}, headings=log.headings, wordings=[])
                mapping.is_valid()
                return self._check(request, token, log, mapping, context)
        context["form"] = form
        return TemplateResponse(request, "admin/disclosures/import_log.html", context)

    def _waiting(self, request: HttpRequest, token: str) -> tuple[dict, imports.LogFile] | None:
        """The upload waiting under ``token`` for this session, read; None if there is
        none (imported, discarded, or another session's)."""
        upload = request.session.get(IMPORT_SESSION_KEY, {}).get(token)
        if upload is None:
            return None
        try:
            data = imports.kept_upload(token)
            return upload, imports.read_log(data, upload["filename"], sheet=upload["sheet"])
        except (FileNotFoundError, imports.LogFileError):
            return None

    def _map_and_import(self, request: HttpRequest, token: str, context: dict) -> HttpResponse:
        waiting = self._waiting(request, token)
        if waiting is None:
            self.message_user(
                request, _("That file is no longer waiting: upload it again."), messages.ERROR
            )
            return redirect("admin:disclosures_disclosure_import")
        upload, log = waiting
        mapping = ImportMappingForm(
            request.POST,
            headings=log.headings,
            wordings=ImportMappingForm.wordings_posted(request.POST),
        )
        if not mapping.is_valid() or "import" not in request.POST:
            return self._check(request, token, log, mapping, context)
        options = self._import_options(request, upload, mapping)
        try:
            report = imports.import_log(log, options, user=request.user)
        except imports.LogFileError as error:
            mapping.add_error(None, str(error))
            return self._check(request, token, log, mapping, context)
        if report.has_errors:
            # The log changed since the check, e.g. another edit: nothing was written.
            return self._check(request, token, log, mapping, context, report)
        pending = request.session.get(IMPORT_SESSION_KEY, {})
        pending.pop(token, None)
        request.session[IMPORT_SESSION_KEY] = pending
        imports.discard_upload(token)
        tasks.refresh_after_import()  # in the background: the staff member does not wait
        self.message_user(
            request,
            _("Imported %(filename)s: %(summary)s.")
            % {"filename": upload["filename"], "summary": report.summary()},
            messages.SUCCESS,
        )
        return redirect("admin:disclosures_disclosure_changelist")

    def _import_options(self, request: HttpRequest, upload: dict, mapping) -> imports.Options:
        return mapping.options(
            publish=upload["publish"] and self.has_publish_permission(request),
            update_existing=self.has_change_permission(request),
        )

    def _check(
        self,
        request: HttpRequest,
        token: str,
        log: imports.LogFile,
        mapping: ImportMappingForm,
        context: dict,
        report: imports.ImportReport | None = None,
    ) -> HttpResponse:
        """The mapping step: the form, the first rows and the check of every row, as
        the form maps them; and the button that imports them so."""
        upload = request.session[IMPORT_SESSION_KEY][token]
        if report is None and not mapping.errors:
            try:
                report = imports.dry_run(log, self._import_options(request, upload, mapping))
            except imports.LogFileError as error:
                mapping.add_error(None, str(error))
        if report is not None:
            # Wordings the check did not understand join those already mapped.
            wordings = list(dict.fromkeys([*mapping.wordings, *report.outcome_wordings]))
            if wordings != mapping.wordings:
                mapping = self._remapped(mapping, log, wordings)
            context.update(self._import_report_context(report, upload["filename"]))
        context.update(
            token=token,
            mapping=mapping,
            filename=upload["filename"],
            publish=upload["publish"] and self.has_publish_permission(request),
        )
        return TemplateResponse(request, "admin/disclosures/import_log.html", context)

    @staticmethod
    def _remapped(
        mapping: ImportMappingForm, log: imports.LogFile, wordings: list[str]
    ) -> ImportMappingForm:
        """The mapping form as it was chosen, with fields for more outcome wordings."""
        chosen = {
            wording: mapping.cleaned_data.get(f"outcome_{index}", "")
            for index, wording in enumerate(mapping.wordings)
        }
        data = {
            name: value
            for name, value in mapping.cleaned_data.items()
            if not name.startswith("outcome_")
        }
        data |= {f"outcome_{i}": chosen.get(w, "") for i, w in enumerate(wordings)}
        data |= {f"wording_{i}": w for i, w in enumerate(wordings)}
        remapped = ImportMappingForm(data, headings=log.headings, wordings=wordings)
        remapped.is_valid()
        return remapped

    def _import_report_context(self, report: imports.ImportReport, filename: str) -> dict:
        # With errors nothing can be imported: list only the rows to fix.
        rows = report.error_rows if report.has_errors else report.rows
        return {
            "report": report,
            "filename": filename,
            "report_rows": rows[:IMPORT_REPORT_ROWS],
            "report_rows_hidden": max(0, len(rows) - IMPORT_REPORT_ROWS),
        }


class ExemptionForm(forms.ModelForm):
    """An exemption, its slug made from its code and legislation when left blank
    (``Exemption.slug_for``), before the form checks that no other has it."""

    class Meta:
        model = Exemption
        fields = ("legislation", "code", "slug", "name", "kind", "description", "position")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Left blank, it is made from the code: s40-2.")

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug")
        legislation, code = self.cleaned_data.get("legislation"), self.cleaned_data.get("code")
        if not slug and legislation and code:
            slug = Exemption.slug_for(code, legislation.code)
        return slug


@admin.register(Legislation)
class LegislationAdmin(admin.ModelAdmin):
    list_display = ("abbreviation", "name", "code", "provisions", "regulations", "position")
    search_fields = ("code", "abbreviation", "name")


@admin.register(Exemption)
class ExemptionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "legislation", "kind", "position")
    list_filter = ("legislation", "kind")
    list_select_related = ("legislation",)
    search_fields = ("code", "slug", "name")
    form = ExemptionForm
    fields = ("legislation", "code", "slug", "name", "kind", "description", "position")


@admin.register(Keyword)
class KeywordAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
