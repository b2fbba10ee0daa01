import { createRouter, createWebHistory } from 'vue-router'
import { whenSignedOut } from './api/client'
import { mayVisit } from './lib/menu'
import { loadMe, session } from './session'
import LoginView from './views/LoginView.vue'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', component: LoginView, meta: { public: true, title: '登录' } },
    { path: '/password', component: () => import('./views/PasswordView.vue'), meta: { title: '修改密码' } },
    {
      path: '/',
      component: () => import('./views/ShellLayout.vue'),
      children: [
        { path: '', component: () => import('./views/HomeView.vue'), meta: { title: '我的待办' } },
        { path: 'inbox', component: () => import('./views/InboxView.vue'), meta: { title: '消息' } },
        { path: 'dashboard', component: () => import('./views/DashboardView.vue'), meta: { title: '数据看板' } },
        { path: 'projects', component: () => import('./views/ProjectsView.vue'), meta: { title: '项目' } },
        {
          path: 'projects/:id/report',
          component: () => import('./views/ReportFormView.vue'),
          meta: { title: '月报填报' },
        },
        { path: 'reviews', component: () => import('./views/ReviewsView.vue'), meta: { title: '月报审核' } },
        { path: 'plan', component: () => import('./views/PlanView.vue'), meta: { title: '年度计划' } },
        { path: 'months', component: () => import('./views/MonthsView.vue'), meta: { title: '填报窗口' } },
        { path: 'accounts', component: () => import('./views/AccountsView.vue'), meta: { title: '账号管理' } },
        { path: 'projects/:id', component: () => import('./views/ProjectView.vue'), meta: { title: '项目详情' } },
        { path: 'scores', component: () => import('./views/ScoresView.vue'), meta: { title: '考核评分' } },
        {
          path: 'scores/units/:unitId',
          component: () => import('./views/ScoreSheetView.vue'),
          meta: { title: '考核评分表' },
        },
        { path: 'recognitions', component: () => import('./views/RecognitionsView.vue'), meta: { title: '开竣工认定' } },
        { path: 'reporting', component: () => import('./views/ReportingStatusView.vue'), meta: { title: '报送情况' } },
        { path: 'meetings', component: () => import('./views/MeetingsView.vue'), meta: { title: '联席会议' } },
        { path: 'meetings/:id', component: () => import('./views/MeetingView.vue'), meta: { title: '会议详情' } },
        { path: 'resolutions', component: () => import('./views/ResolutionsView.vue'), meta: { title: '议定事项' } },
        { path: 'approvals', component: () => import('./views/ApprovalsView.vue'), meta: { title: '议程审定' } },
        { path: 'leader', component: () => import('./views/LeaderView.vue'), meta: { title: '领导工作台' } },
        { path: 'ledger', component: () => import('./views/LedgerView.vue'), meta: { title: '攻坚台帐' } },
        { path: 'exchange', component: () => import('./views/ExchangeView.vue'), meta: { title: '导入导出' } },
        { path: 'deliveries', component: () => import('./views/DeliveriesView.vue'), meta: { title: '送达审计' } },
      ],
    },
    { path: '/:rest(.*)*', component: () => import('./views/NotFoundView.vue'), meta: { public: true } },
  ],
})

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  const me = session.me ?? (await loadMe())
  if (!me) return { path: '/login', query: { next: to.fullPath } }
  if (me.password_change_required && to.path !== '/password') return '/password'
  if (!mayVisit(to.path, me.roles)) return '/'
  return true
})

router.afterEach((to) => {
  document.title = `${(to.meta.title as string | undefined) ?? '攻坚平台'} · 攻坚平台`
})

whenSignedOut(() => {
  session.me = null
  void router.push({ path: '/login', query: { next: router.currentRoute.value.fullPath } })
})
