// Amounts come from the API as decimal strings in 万元 (10k yuan); the console shows them with grouping.

/** "12345.6" -> "12,345.60 万元"; an empty or unreadable amount -> "—". */
export function formatWan(value: string | number | null | undefined, withUnit = true): string {
  if (value === null || value === undefined || value === '') return '—'
  const amount = typeof value === 'number' ? value : Number(value)
  if (!Number.isFinite(amount)) return '—'
  const text = amount.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
  return withUnit ? `${text} 万元` : text
}

/** A decimal string for the API from what the user typed ("1,234.5" -> "1234.5"); null when not a number. */
export function parseWan(text: string): string | null {
  const cleaned = text.replace(/[,，\s]/g, '')
  if (!/^-?\d+(\.\d{1,2})?$/.test(cleaned)) return null
  return cleaned.replace(/^(-?)0+(?=\d)/, '$1')
}

/** Sum of decimal strings in 万元, exact to the fen (0.01 万元): integer arithmetic on hundredths. */
export function sumWan(values: Array<string | number | null | undefined>): string {
  let hundredths = 0
  for (const value of values) {
    if (value === null || value === undefined || value === '') continue
    hundredths += Math.round(Number(value) * 100)
  }
  const sign = hundredths < 0 ? '-' : ''
  const absolute = Math.abs(hundredths)
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`
}

/** A percentage string from the API ("37.50") as "37.5%". */
export function formatPercent(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—'
  const amount = Number(value)
  return Number.isFinite(amount) ? `${Number(amount.toFixed(1))}%` : '—'
}
