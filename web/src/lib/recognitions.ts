// Start and completion recognitions (开工/竣工认定) as the console shows and applies for them.

export const RECOGNITION_KINDS: Record<string, string> = { start: '开工认定', completion: '竣工认定' }

export const RECOGNITION_STATUS: Record<string, string> = {
  applied: '待认定',
  recognised: '已认定',
  rejected: '未予认定',
}

/** The status a project must have for each kind of application (the API's rule). */
export const NEEDED_STATUS: Record<string, string> = { start: 'planned', completion: 'started' }

/** The kinds of application a project may make now, from its status. */
export function applicableKinds(status: string): string[] {
  return Object.entries(NEEDED_STATUS)
    .filter(([, needed]) => needed === status)
    .map(([kind]) => kind)
}

function iso(day: Date): string {
  const month = String(day.getMonth() + 1).padStart(2, '0')
  return `${day.getFullYear()}-${month}-${String(day.getDate()).padStart(2, '0')}`
}

/**
 * The dates a start may be claimed on when applying today: from the first day of the month before to today
 * (a start is recognised in its month or the next). A completion: any day up to today.
 */
export function claimableDates(kind: string, today: Date): { earliest: string | null; latest: string } {
  if (kind !== 'start') return { earliest: null, latest: iso(today) }
  const earliest = new Date(today.getFullYear(), today.getMonth() - 1, 1)
  return { earliest: iso(earliest), latest: iso(today) }
}

/** Whether the date (YYYY-MM-DD) may be claimed for the kind today. */
export function mayClaim(kind: string, date: string, today: Date): boolean {
  const { earliest, latest } = claimableDates(kind, today)
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && date <= latest && (earliest === null || date >= earliest)
}
