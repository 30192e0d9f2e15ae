// The signed-in user's notifications (GET/POST /api/v1/me/notifications…); shapes come from
// the generated API types.
import { request } from '../../api'
import type { components } from '../../api/schema'

type Schemas = components['schemas']
export type Notification = Schemas['NotificationView']
export type NotificationPage = Schemas['NotificationPageView']
export type Unread = Schemas['UnreadView']

export function listNotifications(before?: number | null, limit = 20): Promise<NotificationPage> {
  const query: Record<string, string | number> = { limit }
  if (before) query.before = before
  return request<NotificationPage>('GET', '/me/notifications', undefined, query)
}

export function unreadCount(): Promise<Unread> {
  return request<Unread>('GET', '/me/notifications/unread')
}

export function markRead(id: number): Promise<Notification> {
  return request<Notification>('POST', `/me/notifications/${id}/read`)
}

export function markAllRead(): Promise<Unread> {
  return request<Unread>('POST', '/me/notifications/read')
}
