"""Build the POST data of the disclosure admin form, inlines included."""

from __future__ import annotations

from disclosures.admin import HANDLING_FIELDS
from disclosures.models import Disclosure


def disclosure_form_data(disclosure: Disclosure | None = None, uploads=(), **overrides) -> dict:
    """The change form's fields for ``disclosure`` (or a new one), plus document uploads.

    ``uploads``: (title, SimpleUploadedFile) pairs added as new document rows.
    """
    existing = list(disclosure.documents.all()) if disclosure else []
    clarifications = list(disclosure.clarifications.all()) if disclosure else []
    data = {
        "reference": disclosure.reference if disclosure else "FOI-NEW-1",
        "title": disclosure.title if disclosure else "A new answer",
        "request_text": disclosure.request_text if disclosure else "How many?",
        "outcome": disclosure.outcome if disclosure else "granted-in-full",
        "response_date": str(disclosure.response_date) if disclosure else "2024-05-01",
        "response_narrative": disclosure.response_narrative if disclosure else "Attached.",
        "status": disclosure.status if disclosure else "draft",
        "withdrawn_reason": disclosure.withdrawn_reason if disclosure else "",
        "documents-TOTAL_FORMS": str(len(existing) + len(uploads)),
        "documents-INITIAL_FORMS": str(len(existing)),
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "1000",
        "clarifications-TOTAL_FORMS": str(len(clarifications)),
        "clarifications-INITIAL_FORMS": str(len(clarifications)),
        "clarifications-MIN_NUM_FORMS": "0",
        "clarifications-MAX_NUM_FORMS": "1000",
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
        "changes-MIN_NUM_FORMS": "0",
        "changes-MAX_NUM_FORMS": "0",
    }
    if disclosure and disclosure.published_at:
        data["published_at_0"] = disclosure.published_at.strftime("%Y-%m-%d")
        data["published_at_1"] = disclosure.published_at.strftime("%H:%M:%S")
    if disclosure:
        data["exemptions"] = [e.pk for e in disclosure.exemptions.all()]
        data["keywords"] = [k.pk for k in disclosure.keywords.all()]
    if disclosure:
        for name in HANDLING_FIELDS:
            value = getattr(disclosure, name)
            data[name] = "" if value is None else str(value)
    for index, clarification in enumerate(clarifications):
        data[f"clarifications-{index}-id"] = str(clarification.pk)
        data[f"clarifications-{index}-disclosure"] = str(disclosure.pk)
        data[f"clarifications-{index}-asked"] = str(clarification.asked)
        data[f"clarifications-{index}-answered"] = str(clarification.answered or "")
    for index, document in enumerate(existing):
        data[f"documents-{index}-id"] = str(document.pk)
        data[f"documents-{index}-disclosure"] = str(disclosure.pk)
        data[f"documents-{index}-title"] = document.title
        data[f"documents-{index}-position"] = str(document.position)
    for offset, (title, upload) in enumerate(uploads):
        index = len(existing) + offset
        data[f"documents-{index}-title"] = title
        data[f"documents-{index}-file"] = upload
        data[f"documents-{index}-position"] = str(index)
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
