// The calendar's state: the month shown (in the viewer's own zone) and its entries, kept current
// by reloading when the month changes.
import { useState } from 'preact/hooks'
import { type Loaded, useLoad } from '../../components/ui'
import { type CalendarData, calendarBetween } from './api'

export interface MonthView {
  first: Date // midnight of the month's first day, local time
  entries: Loaded<CalendarData>
  previous: () => void
  next: () => void
  today: () => void
}

export function monthStart(day: Date): Date {
  return new Date(day.getFullYear(), day.getMonth(), 1)
}

export function useMonth(): MonthView {
  const [first, setFirst] = useState(() => monthStart(new Date()))
  const until = new Date(first.getFullYear(), first.getMonth() + 1, 1)
  const entries = useLoad(() => calendarBetween(first, until), [first.getTime()])
  return {
    first,
    entries,
    previous: () => setFirst((f) => new Date(f.getFullYear(), f.getMonth() - 1, 1)),
    next: () => setFirst((f) => new Date(f.getFullYear(), f.getMonth() + 1, 1)),
    today: () => setFirst(monthStart(new Date())),
  }
}
