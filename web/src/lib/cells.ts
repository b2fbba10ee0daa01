// A refused xlsx import (422) names each bad cell in its problem's errors: the field is `sheet!B7` and the message
// `sheet!B7 (header)：what is wrong`. The console shows them as a table: row, column (with its header), message.

export interface CellError {
  field: string
  message?: string
  message_zh?: string
}

export interface CellProblem {
  /** The sheet row (1 is the header row); null when the error names the file, not a cell. */
  row: number | null
  /** The column letter and, when the API named it, its header: `C（统一项目代码）`. */
  column: string
  message: string
}

const CELL = /^(?:.*!)?([A-Z]{1,3})(\d+)$/

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** One bad cell as a row of the table: the location taken from the field, the message without its prefix. */
export function cellProblem(error: CellError): CellProblem {
  const text = error.message_zh || error.message || ''
  const cell = CELL.exec(error.field)
  if (!cell) return { row: null, column: error.field, message: text }
  const prefix = new RegExp(`^${escaped(error.field)}(?: \\((.*?)\\))?[：:]\\s*`)
  const labelled = prefix.exec(text)
  const header = labelled?.[1]
  return {
    row: Number(cell[2]),
    column: header ? `${cell[1]}（${header}）` : cell[1],
    message: labelled ? text.slice(labelled[0].length) : text,
  }
}

/** The bad cells of a problem answer, in the order the API gave them; none when it names no field. */
export function cellProblems(problem: unknown): CellProblem[] {
  if (!problem || typeof problem !== 'object') return []
  const errors = (problem as { errors?: CellError[] }).errors ?? []
  return errors.map(cellProblem)
}

/** What an import screen makes of the API's answer: what was imported, or the problem that refused the file. */
export interface UploadAnswer {
  /** What was imported, in a sentence; absent when refused. */
  done?: string
  error?: unknown
}

/** A row problem of a staged provincial file (row, column, header, and a message that repeats them first). */
export interface StagedProblem {
  row: number
  column: string
  header: string
  message: string
  message_zh: string
}

export function stagedProblem(problem: StagedProblem): CellProblem & { row: number } {
  const text = problem.message_zh || problem.message
  return {
    row: problem.row,
    column: problem.header ? `${problem.column}（${problem.header}）` : problem.column,
    message: text.replace(/^第 \d+ 行 [A-Z]+ 列（[^）]*）：/, '').replace(/^row \d+, column [A-Z]+ \([^)]*\): /, ''),
  }
}
