import { ref } from 'vue'
import { api, type Schemas } from '../api/client'

export const units = ref<Schemas['UnitOut'][]>([])

export const UNIT_KINDS: Record<string, string> = {
  county: '县区',
  zone: '园区',
  department: '部门',
  enterprise: '企业',
  office: '办公室',
}

/** Every unit the person may read, loaded once. */
export async function loadUnits(): Promise<Schemas['UnitOut'][]> {
  if (units.value.length) return units.value
  const { data } = await api.GET('/api/v1/units', { params: { query: { limit: 500 } } })
  units.value = data?.items ?? []
  return units.value
}

export function unitName(id: string | null | undefined): string {
  return units.value.find((unit) => unit.id === id)?.name ?? '—'
}
