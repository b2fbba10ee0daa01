// The delivery audit (送达审计): the notifier's deliveries on each channel, in the words the office uses.
import type { Schemas } from '../api/client'

export type Delivery = Schemas['DeliveryAudit']
export type Channel = 'inbox' | 'email' | 'wecom' | 'dingtalk' | 'sms'
export type DeliveryStatus = Delivery['status']

export const CHANNEL_NAMES: Record<Channel, string> = {
  inbox: '站内消息',
  email: '电子邮件',
  wecom: '企业微信机器人',
  dingtalk: '钉钉机器人',
  sms: '短信',
}

export const DELIVERY_STATUS: Record<DeliveryStatus, { text: string; tag: 'success' | 'warning' | 'danger' | 'info' | 'primary' }> = {
  pending: { text: '待发送', tag: 'info' },
  digest: { text: '待汇总发送', tag: 'info' },
  sending: { text: '发送中', tag: 'primary' },
  delivered: { text: '已送达', tag: 'success' },
  failed: { text: '发送失败', tag: 'danger' },
  cancelled: { text: '已取消', tag: 'warning' },
}

export function channelName(channel: string): string {
  return CHANNEL_NAMES[channel as Channel] ?? channel
}

/** What became of the delivery after it was sent: read, acknowledged (已阅 / 已办), or nothing yet. */
export function receipt(delivery: Pick<Delivery, 'read_at' | 'acknowledged_at' | 'ack_kind' | 'notification_acknowledged_at' | 'notification_ack_kind'>): string {
  const kind = delivery.ack_kind ?? delivery.notification_ack_kind
  if (delivery.acknowledged_at || delivery.notification_acknowledged_at) return kind === 'done' ? '已办' : '已阅'
  if (delivery.read_at) return '已读'
  return '—'
}

/** Only a failed delivery can be sent again (the API refuses the rest with 409). */
export function mayRetry(delivery: Pick<Delivery, 'status'>): boolean {
  return delivery.status === 'failed'
}

/** The events the office most often looks for, by name; the filter also takes any other event type typed in. */
export const EVENT_NAMES: Record<string, string> = {
  'progress-report-due': '月报催报',
  'progress-report-late': '月报逾期',
  'progress-report-returned': '月报退回',
  'project-behind-schedule': '项目进度滞后',
  'recognition-decided': '开竣工认定结果',
  'topic-submission-closing': '议题征集即将截止',
  'agenda-circulated': '会议议程印发',
  'meeting-scheduled': '会议通知',
  'resolution-recorded': '议定事项交办',
  'resolution-due': '议定事项到期提醒',
  'resolution-overdue': '议定事项逾期',
  'resolution-escalated': '议定事项督办升级',
  'unit-without-liaison': '单位未设联络员',
}

export function eventName(type: string): string {
  return EVENT_NAMES[type] ?? type
}
