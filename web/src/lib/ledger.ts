// The push ledger (攻坚台帐) as the console shows it: the words for an obstacle's states and categories, and the
// states a person may move it to (the API's rules: ledger/service.py; an escalated one can only be resolved).
import type { Schemas } from '../api/client'
import { TOPIC_CATEGORIES } from './meetings'

export type Obstacle = Schemas['ObstacleOut']
export type ObstacleStatus = Obstacle['status']
export type ObstacleCategory = Obstacle['category']

export const OBSTACLE_STATUS: Record<ObstacleStatus, string> = {
  open: '待解决',
  'in-progress': '推进中',
  resolved: '已解决',
  escalated: '已提交联席会议',
}

export const OBSTACLE_TAGS: Record<ObstacleStatus, 'danger' | 'warning' | 'success' | 'info'> = {
  open: 'danger',
  'in-progress': 'warning',
  resolved: 'success',
  escalated: 'info',
}

// the ledger's categories are the joint meeting's topic categories (an escalated obstacle becomes a topic)
export const OBSTACLE_CATEGORIES = TOPIC_CATEGORIES as Record<ObstacleCategory, string>

/** The states the project's unit or the office may set next (PATCH status); none once resolved. */
export function nextStatuses(status: ObstacleStatus): Exclude<ObstacleStatus, 'escalated'>[] {
  if (status === 'escalated') return ['resolved']
  if (status === 'resolved') return []
  return (['open', 'in-progress', 'resolved'] as const).filter((next) => next !== status)
}

/** Whether it may still go to the joint meeting (提交联席会议): only while open or in progress. */
export function mayEscalate(status: ObstacleStatus): boolean {
  return status === 'open' || status === 'in-progress'
}
