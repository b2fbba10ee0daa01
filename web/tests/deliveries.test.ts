import { describe, expect, it } from 'vitest'
import { channelName, eventName, mayRetry, receipt } from '../src/lib/deliveries'

const unread = { read_at: null, acknowledged_at: null, ack_kind: null, notification_acknowledged_at: null, notification_ack_kind: null }

describe('the delivery audit', () => {
  it('names the channels and the events, and keeps what it does not know', () => {
    expect(channelName('wecom')).toBe('企业微信机器人')
    expect(channelName('fax')).toBe('fax')
    expect(eventName('progress-report-due')).toBe('月报催报')
    expect(eventName('something-new')).toBe('something-new')
  })
  it('says what became of a delivery: read, acknowledged as read or as done', () => {
    expect(receipt(unread)).toBe('—')
    expect(receipt({ ...unread, read_at: '2026-01-02T03:04:05Z' })).toBe('已读')
    expect(receipt({ ...unread, acknowledged_at: '2026-01-02T03:04:05Z', ack_kind: 'read' })).toBe('已阅')
    expect(receipt({ ...unread, notification_acknowledged_at: '2026-01-02T03:04:05Z', notification_ack_kind: 'done' })).toBe('已办')
  })
  it('offers a retry only for a failed delivery', () => {
    expect(mayRetry({ status: 'failed' })).toBe(true)
    expect(mayRetry({ status: 'delivered' })).toBe(false)
    expect(mayRetry({ status: 'pending' })).toBe(false)
  })
})
