// A notification in the interface language, worded from its code and params (the server
// sends no sentences: docs/notifications.md).
import { t, tOr } from '../../i18n'
import type { Notification } from './api'

export function notificationText(n: Notification): string {
  const params: Record<string, string> = { ...n.params }
  if (params.item) params.item = tOr(`notify.item.${params.item}`, params.item)
  if (params.role) params.role = tOr(`role.${params.role}`, params.role)
  for (const key of ['project', 'author', 'reporter', 'inviter', 'title', 'event']) params[key] ??= ''
  return tOr(`notify.${n.kind}`, t('notify.unknown'), params)
}
