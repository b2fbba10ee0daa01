"""The circulated agenda as a Word document (会议议程.docx): topics in order with their background figures."""

from __future__ import annotations

import io

from docx import Document

from gongjian_meetings.agendas.schemas import AgendaOut
from gongjian_shared.office_text import docx_safe

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def agenda_docx(agenda: AgendaOut) -> bytes:
    document = Document()
    document.add_heading(docx_safe(agenda.title), level=0)
    document.add_paragraph(docx_safe(agenda.body_name))
    document.add_paragraph(f"会议日期：{agenda.held_on.isoformat()}")
    if agenda.location:
        document.add_paragraph(docx_safe(f"会议地点：{agenda.location}"))
    document.add_paragraph(docx_safe(f"议程版本：第 {agenda.version} 版（{agenda.status}）"))
    if agenda.office_notes:
        document.add_heading("办公室对策建议", level=1)
        document.add_paragraph(docx_safe(agenda.office_notes))
    document.add_heading("议题", level=1)
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("序号", "报送单位", "类别", "议题", "备注"), strict=True):
        cell.text = text
    for item in agenda.items:
        row = table.add_row().cells
        row[0].text = str(item.position)
        row[1].text = docx_safe(item.unit_name)
        row[2].text = docx_safe(item.category_zh)
        row[3].text = docx_safe(item.title)
        row[4].text = "逾期报送（经办公室同意）" if item.late else ""
    for item in agenda.items:
        document.add_heading(docx_safe(f"{item.position}. {item.title}"), level=2)
        document.add_paragraph(docx_safe(f"报送单位：{item.unit_name}　类别：{item.category_zh}"))
        document.add_paragraph(docx_safe(f"问题描述：{item.description}"))
        if item.proposed_solution:
            document.add_paragraph(docx_safe(f"建议解决办法：{item.proposed_solution}"))
        for figures in item.figures:
            document.add_paragraph(
                docx_safe(
                    f"背景数据：{figures.project_name}，{figures.year}年{figures.month}月完成进度 "
                    f"{figures.completion_share_percent}%，序时进度 {figures.benchmark_percent}%（{figures.colour}）"
                ),
                style="List Bullet",
            )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
