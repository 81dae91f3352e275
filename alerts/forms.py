"""The forms of alerts: asking for one, and changing one's frequency."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.models import Alert


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Alert.Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how often you want an email.")},
    )


class SubscribeForm(FrequencyForm):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.org."),
        },
    )
    field_order = ["email", "frequency"]
