// The menu follows the roles in the token (gongjian_shared.access): one entry per screen a role may use.

export type Role =
  | 'admin'
  | 'office'
  | 'unit-admin'
  | 'reporter'
  | 'liaison'
  | 'reviewer'
  | 'leader'
  | 'convener'
  | 'service'

export interface MenuEntry {
  path: string
  title: string
  roles: Role[] | 'everyone'
}

const OFFICE: Role[] = ['admin', 'office']

export const MENU: MenuEntry[] = [
  { path: '/', title: '我的待办', roles: 'everyone' },
  { path: '/inbox', title: '消息', roles: 'everyone' },
  { path: '/dashboard', title: '数据看板', roles: [...OFFICE, 'convener', 'leader'] },
  { path: '/projects', title: '项目', roles: [...OFFICE, 'unit-admin', 'reporter', 'liaison', 'reviewer', 'leader', 'convener'] },
  { path: '/reviews', title: '月报审核', roles: [...OFFICE, 'reviewer'] },
  { path: '/plan', title: '年度计划', roles: OFFICE },
  { path: '/months', title: '填报窗口', roles: OFFICE },
  { path: '/accounts', title: '账号管理', roles: [...OFFICE, 'unit-admin'] },
  { path: '/recognitions', title: '开竣工认定', roles: [...OFFICE, 'reviewer'] },
  { path: '/reporting', title: '报送情况', roles: OFFICE },
  { path: '/scores', title: '考核评分', roles: [...OFFICE, 'unit-admin', 'reporter', 'liaison', 'reviewer'] },
  // the joint meeting (issue 13): the board, the resolutions to answer or follow, the convener's approvals
  { path: '/meetings', title: '联席会议', roles: [...OFFICE, 'unit-admin', 'reporter', 'liaison', 'reviewer', 'leader', 'convener'] },
  { path: '/resolutions', title: '议定事项', roles: [...OFFICE, 'unit-admin', 'reporter', 'liaison', 'convener'] },
  { path: '/approvals', title: '议程审定', roles: ['convener'] },
  // what is owed and watched (issue 13): a leader's assigned projects and red alerts, the push ledger (攻坚台帐)
  { path: '/leader', title: '领导工作台', roles: ['leader', 'convener'] },
  { path: '/ledger', title: '攻坚台帐', roles: [...OFFICE, 'unit-admin', 'reporter', 'liaison', 'reviewer', 'leader', 'convener'] },
  // the office's xlsx imports and exports, and the notifier's delivery audit (issue 13)
  { path: '/exchange', title: '导入导出', roles: OFFICE },
  { path: '/deliveries', title: '送达审计', roles: OFFICE },
]

export const ROLE_NAMES: Record<Role, string> = {
  admin: '系统管理员',
  office: '联席会议办公室',
  'unit-admin': '单位账号管理员',
  reporter: '填报员',
  liaison: '联络员',
  reviewer: '审核员',
  leader: '包抓领导',
  convener: '召集人',
  service: '机器账号',
}

export function allows(entry: MenuEntry, roles: readonly string[]): boolean {
  return entry.roles === 'everyone' || entry.roles.some((role) => roles.includes(role))
}

/** The entries a person with these roles sees, in menu order. */
export function menuFor(roles: readonly string[]): MenuEntry[] {
  return MENU.filter((entry) => allows(entry, roles))
}

/** Whether a path (a menu entry's or below it) is open to these roles; paths outside the menu are open. */
export function mayVisit(path: string, roles: readonly string[]): boolean {
  const entry = [...MENU]
    .sort((a, b) => b.path.length - a.path.length)
    .find((candidate) => path === candidate.path || (candidate.path !== '/' && path.startsWith(`${candidate.path}/`)))
  return entry === undefined || allows(entry, roles)
}
