// The annual assessment as a person reads it (scoring-2019.md): points to 0.01, award names, and each line of a
// score sheet split into the steps of its arithmetic.

export type UnitKind = 'county' | 'department'

export const UNIT_KIND_NAMES: Record<UnitKind, string> = { county: '县区', department: '市直部门' }

export const AWARD_NAMES: Record<string, string> = {
  first: '一等奖',
  second: '二等奖',
  third: '三等奖',
  advanced: '先进单位',
}

/** The assessment's kind of a unit kind (counties and zones on one sheet, A9); null for units not assessed. */
export function assessedKind(unitKind: string | null | undefined): UnitKind | null {
  if (unitKind === 'county' || unitKind === 'zone') return 'county'
  if (unitKind === 'department') return 'department'
  return null
}

/** Points as the sheets print them: at most two decimals, no trailing zeros ("12.5", "35", "-1"). */
export function formatPoints(value: number | string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—'
  const amount = Number(value)
  if (!Number.isFinite(amount)) return '—'
  return String(Number(amount.toFixed(2)))
}

export function awardName(award: string | null | undefined): string {
  return award ? (AWARD_NAMES[award] ?? award) : '—'
}

/**
 * The steps of a line's arithmetic, in order: the engine writes one explanation per item with its steps joined
 * by "; " and the result after the last "→". The result stays on the last step.
 */
export function explanationSteps(explanation: string): string[] {
  return explanation
    .split(/;\s+/)
    .map((step) => step.trim())
    .filter((step) => step.length > 0)
}

export interface SheetLine {
  id: string
  points: number
  standard: number
  applicable: boolean
}

/**
 * The items that do not apply to the unit (A5): they score nothing, and the engine prorates the total to the
 * standards of the items that do (each such line's explanation gives the arithmetic).
 */
export function notApplicable(items: readonly SheetLine[]): string[] {
  return items.filter((item) => !item.applicable).map((item) => item.id)
}

/** The standing's columns: the item ids in the order of the first unit's sheet. */
export function itemColumns(rows: ReadonlyArray<{ items: ReadonlyArray<{ id: string }> }>): string[] {
  return rows[0]?.items.map((item) => item.id) ?? []
}

/** A unit's points on one item of the standings, or "不适用" when the item does not apply to it. */
export function itemCell(
  items: ReadonlyArray<{ id: string; points: number; applicable: boolean }>,
  id: string,
): string {
  const item = items.find((candidate) => candidate.id === id)
  if (!item) return '—'
  return item.applicable ? formatPoints(item.points) : '不适用'
}
