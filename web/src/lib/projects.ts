export const PROJECT_STATUS: Record<string, string> = {
  planned: '未开工',
  started: '在建',
  completed: '已竣工',
  removed: '已调出',
}

export const PROJECT_KINDS: Record<string, string> = {
  key: '重点项目',
  prephase: '前期项目',
  planned: '谋划项目',
  attraction: '招商项目',
}

export const REPORT_STATUS: Record<string, string> = {
  submitted: '已提交待审核',
  passed: '初审通过',
  accepted: '已采纳',
  returned: '已退回',
}
