import { describe, expect, it } from 'vitest'
import { dispositionName } from '../src/lib/download'
import { localDay, localMinute, planEntryText, statusReason } from '../src/lib/projectPage'
import { applicableKinds, claimableDates, mayClaim } from '../src/lib/recognitions'

describe('start and completion applications', () => {
  it('offers a start to a planned project and a completion to a started one', () => {
    expect(applicableKinds('planned')).toEqual(['start'])
    expect(applicableKinds('started')).toEqual(['completion'])
    expect(applicableKinds('completed')).toEqual([])
  })
  it('claims a start in the month of the application or the one before, never in the future', () => {
    const today = new Date(2026, 0, 15) // 15 January: the window opens on 1 December of the year before
    expect(claimableDates('start', today)).toEqual({ earliest: '2025-12-01', latest: '2026-01-15' })
    expect(mayClaim('start', '2025-12-01', today)).toBe(true)
    expect(mayClaim('start', '2025-11-30', today)).toBe(false)
    expect(mayClaim('start', '2026-01-16', today)).toBe(false)
    expect(mayClaim('completion', '2020-05-01', today)).toBe(true)
    expect(mayClaim('start', '', today)).toBe(false)
  })
})

describe('the project page', () => {
  it('says where the project stands in its plan', () => {
    const entry = { added_mid_year: false, removed_on: null, removal_reason: null, planned_investment_10k: '12000' }
    expect(planEntryText(entry)).toBe('列入年初计划')
    expect(planEntryText({ ...entry, added_mid_year: true })).toBe('年中增补列入计划')
    expect(planEntryText({ ...entry, removed_on: '2026-07-01', removal_reason: '项目终止' })).toBe(
      '已于 2026-07-01 调出计划（项目终止）',
    )
    expect(planEntryText(null)).toBe('未列入年度计划')
    expect(planEntryText(undefined)).toBe('—')
  })
  it('saves a download under the name the API gave', () => {
    expect(dispositionName(`attachment; filename="x.png"; filename*=UTF-8''%E7%8E%B0%E5%9C%BA.png`, 'f')).toBe('现场.png')
    expect(dispositionName('attachment; filename="standings.xlsx"', 'f')).toBe('standings.xlsx')
    expect(dispositionName(null, 'fallback.bin')).toBe('fallback.bin')
  })
})

describe('instants on the project page', () => {
  it('shows an instant in the local day and minute of the office (Shanghai), not in UTC', () => {
    expect(localMinute('2026-12-06T18:39:05Z', 'Asia/Shanghai')).toBe('2026-12-07 02:39')
    expect(localDay('2026-12-06T15:59:59Z', 'Asia/Shanghai')).toBe('2026-12-06')
    expect(localDay('2026-12-06T16:00:00Z', 'Asia/Shanghai')).toBe('2026-12-07')
  })
  it('reads a recognition as the reason of a status change', () => {
    expect(statusReason('start recognised')).toBe('开工认定')
    expect(statusReason('调整出计划')).toBe('调整出计划')
    expect(statusReason(null)).toBe('')
  })
})
