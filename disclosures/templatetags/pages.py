"""Template filters for the public pages."""

from __future__ import annotations

from django import template
from django.core.paginator import Page

register = template.Library()


@register.filter
def page_numbers(page: Page) -> list[int | None]:
    """The page numbers to link for ``page``: the first and last, the current one and its
    neighbours, with None where a run of pages is left out (1 … 4 5 6 … 20)."""
    pages = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return [number if isinstance(number, int) else None for number in pages]
