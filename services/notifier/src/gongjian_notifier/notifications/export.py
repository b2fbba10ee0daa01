"""The audit as a spreadsheet for the office (送达记录导出), one row per delivery."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook

from gongjian_notifier.notifications.schemas import CHANNEL_ZH, STATUS_ZH, DeliveryAudit
from gongjian_shared.clock import SHANGHAI
from gongjian_shared.office_text import xlsx_row

HEADERS = (
    "创建时间", "事件类型", "标题", "紧急程度", "升级级别", "单位", "接收人", "渠道", "地址", "状态",
    "尝试次数", "送达时间", "失败时间", "阅读时间", "确认时间", "确认类型", "错误",
)  # fmt: skip
ACK_ZH = {"read": "已阅", "done": "已办"}


def _local(moment: datetime | None) -> datetime | None:
    # Excel has no time zones: Asia/Shanghai wall time, as the office reads it
    return moment.astimezone(SHANGHAI).replace(tzinfo=None) if moment else None


def workbook_bytes(rows: Sequence[DeliveryAudit]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("送达记录")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(
            xlsx_row(
                (
                    _local(row.created_at),
                    row.event_type,
                    row.title,
                    row.urgency,
                    row.level,
                    row.unit_name or "",
                    row.recipient_name,
                    CHANNEL_ZH.get(row.channel, row.channel),
                    row.address or "",
                    STATUS_ZH.get(row.status, row.status),
                    row.attempts,
                    _local(row.delivered_at),
                    _local(row.failed_at),
                    _local(row.read_at),
                    _local(row.acknowledged_at or row.notification_acknowledged_at),
                    ACK_ZH.get(row.ack_kind or row.notification_ack_kind or "", ""),
                    row.last_error or "",
                )
            )
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
