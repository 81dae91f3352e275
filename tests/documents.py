"""Documents made inside the tests: clean ones and ones carrying a hazard."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook


def xlsx(hidden_sheet: bool = False, text: str = "Vehicles") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Fleet"
    sheet.append(["Make", "Count"])
    sheet.append([text, 12])
    if hidden_sheet:
        staff = book.create_sheet("Staff")
        staff.append(["PC 1234", "Jane Officer"])
        staff.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)
