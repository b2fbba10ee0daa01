import { ref } from 'vue'

/** The unread count in the header, updated by the shell and by the inbox when an item is read. */
export const unread = ref(0)

export const URGENCY_NAMES: Record<string, string> = { normal: '一般', high: '紧急', urgent: '特急' }
