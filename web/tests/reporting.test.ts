import { describe, expect, it } from 'vitest'
import { monthTotals, reportKind, tallyByUnit } from '../src/lib/reporting'

describe("the month's reporting status by unit", () => {
  const reports = [
    { unit_id: 'a', project_id: 'p1', status: 'accepted', late: false },
    { unit_id: 'a', project_id: 'p2', status: 'submitted', late: true },
    { unit_id: 'a', project_id: 'p3', status: 'returned', late: true },
    { unit_id: 'b', project_id: 'p4', status: 'passed', late: false },
  ]
  const owing = [
    { unit_id: 'b', unit_name: '乙县', project_ids: ['p5'] },
    { unit_id: 'c', unit_name: '丙县', project_ids: ['p6', 'p7'] },
  ]
  it('counts a returned report as returned even when it was late, a late one as late', () => {
    expect(reportKind(reports[2])).toBe('returned')
    expect(reportKind(reports[1])).toBe('late')
    expect(reportKind(reports[0])).toBe('reported')
  })
  it('gives each unit its line, those owing most first', () => {
    const lines = tallyByUnit(reports, owing)
    expect(lines.map((line) => [line.unit_id, line.reported, line.late, line.returned, line.missing])).toEqual([
      ['c', 0, 0, 0, 2],
      ['b', 1, 0, 0, 1],
      ['a', 1, 1, 1, 0],
    ])
    expect(lines[0].missing_project_ids).toEqual(['p6', 'p7'])
    expect(monthTotals(lines)).toEqual({ reported: 2, late: 1, returned: 1, missing: 3 })
  })
})
