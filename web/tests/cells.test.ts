import { describe, expect, it } from 'vitest'
import { cellProblem, cellProblems, stagedProblem } from '../src/lib/cells'

describe('the bad cells of a refused import', () => {
  it('reads the row and column from the field, the header and the message from the Chinese message', () => {
    expect(
      cellProblem({
        field: '项目导入!C3',
        message: '项目导入!C3 (统一项目代码): Not a unified project code',
        message_zh: '项目导入!C3 (统一项目代码)：统一项目代码格式错误',
      }),
    ).toEqual({ row: 3, column: 'C（统一项目代码）', message: '统一项目代码格式错误' })
  })
  it('keeps a message with no header, and falls back to the English one', () => {
    expect(cellProblem({ field: 'Sheet1!A12', message: 'Sheet1!A12: At most 20,000 rows' })).toEqual({
      row: 12,
      column: 'A',
      message: 'At most 20,000 rows',
    })
  })
  it('shows an error naming the file, not a cell, without a row', () => {
    expect(cellProblems({ errors: [{ field: 'file', message: 'x', message_zh: '无权导入项目' }] })).toEqual([
      { row: null, column: 'file', message: '无权导入项目' },
    ])
  })
  it('answers nothing for a problem without field errors', () => {
    expect(cellProblems({ title: 'Conflict' })).toEqual([])
    expect(cellProblems(undefined)).toEqual([])
  })
})

describe('the row problems of a staged provincial file', () => {
  it('shows the row, the column with its header, and the message without the location it repeats', () => {
    expect(
      stagedProblem({
        row: 2,
        column: 'H',
        header: '本月完成投资',
        message: "row 2, column H (本月完成投资): 'abc' is not a number",
        message_zh: '第 2 行 H 列（本月完成投资）：“abc”不是数字',
      }),
    ).toEqual({ row: 2, column: 'H（本月完成投资）', message: '“abc”不是数字' })
  })
})
