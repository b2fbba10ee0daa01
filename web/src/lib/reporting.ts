// The month's reporting status (报送情况) by unit: reported on time, late, returned, and still missing.

export interface ReportLike {
  unit_id: string
  project_id: string
  status: string
  late: boolean
}

export interface OwingLike {
  unit_id: string
  unit_name: string
  project_ids: string[]
}

export interface UnitTally {
  unit_id: string
  unit_name: string | null
  reported: number
  late: number
  returned: number
  missing: number
  missing_project_ids: string[]
}

/** How a filed report counts: returned (waiting for the unit's correction), else late, else reported. */
export function reportKind(report: ReportLike): 'returned' | 'late' | 'reported' {
  if (report.status === 'returned') return 'returned'
  return report.late ? 'late' : 'reported'
}

/** One line per unit with anything filed or owed, the units owing most first, then by name. */
export function tallyByUnit(reports: readonly ReportLike[], owing: readonly OwingLike[]): UnitTally[] {
  const lines = new Map<string, UnitTally>()
  const line = (unitId: string): UnitTally => {
    let found = lines.get(unitId)
    if (!found) {
      found = { unit_id: unitId, unit_name: null, reported: 0, late: 0, returned: 0, missing: 0, missing_project_ids: [] }
      lines.set(unitId, found)
    }
    return found
  }
  for (const report of reports) line(report.unit_id)[reportKind(report)] += 1
  for (const unit of owing) {
    const entry = line(unit.unit_id)
    entry.unit_name = unit.unit_name
    entry.missing += unit.project_ids.length
    entry.missing_project_ids.push(...unit.project_ids)
  }
  return [...lines.values()].sort(
    (a, b) => b.missing - a.missing || (a.unit_name ?? '').localeCompare(b.unit_name ?? '', 'zh-CN'),
  )
}

/** The totals of the month over every unit. */
export function monthTotals(lines: readonly UnitTally[]): Pick<UnitTally, 'reported' | 'late' | 'returned' | 'missing'> {
  return lines.reduce(
    (sum, entry) => ({
      reported: sum.reported + entry.reported,
      late: sum.late + entry.late,
      returned: sum.returned + entry.returned,
      missing: sum.missing + entry.missing,
    }),
    { reported: 0, late: 0, returned: 0, missing: 0 },
  )
}
