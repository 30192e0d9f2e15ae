// The calendar endpoints (GET /api/v1/calendar, /calendar/feed); their shapes come from the
// generated API types. The feed's URL is returned once, when it is made.
import { localZone, request } from '../../api'
import type { components } from '../../api/schema'

type Schemas = components['schemas']
export type CalendarEntry = Schemas['CalendarEntryView']
export type CalendarData = Schemas['CalendarView']
export type FeedState = Schemas['CalendarFeedView']
export type NewFeed = Schemas['NewCalendarFeedView']

export function calendarBetween(since: Date, until: Date): Promise<CalendarData> {
  return request<CalendarData>('GET', '/calendar', undefined, { since: since.toISOString(), until: until.toISOString(), tz: localZone() })
}

export const feed = {
  state: (): Promise<FeedState> => request<FeedState>('GET', '/calendar/feed'),
  /** A new private URL; an earlier one stops working. */
  create: (): Promise<NewFeed> => request<NewFeed>('POST', '/calendar/feed', {}),
  revoke: (): Promise<void> => request<void>('DELETE', '/calendar/feed'),
}
