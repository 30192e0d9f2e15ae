// A month as weeks of days (Monday first), each day listing its entries in the viewer's zone.
import type { JSX } from 'preact'
import { formatLocale } from '../../../i18n'
import type { CalendarEntry } from '../api'
import { EntryLine } from './EntryLine'

const dayKey = (d: Date): string => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`

export function MonthGrid({ first, entries }: { first: Date; entries: CalendarEntry[] }): JSX.Element {
  const byDay = new Map<string, CalendarEntry[]>()
  for (const entry of entries) {
    const key = dayKey(new Date(entry.starts_at.utc))
    byDay.set(key, [...(byDay.get(key) ?? []), entry])
  }
  const start = new Date(first)
  start.setDate(1 - ((first.getDay() + 6) % 7)) // back to Monday
  const days = Array.from({ length: 42 }, (_, i) => new Date(start.getFullYear(), start.getMonth(), start.getDate() + i))
  const weeks = [0, 1, 2, 3, 4, 5].map((w) => days.slice(w * 7, w * 7 + 7)).filter((week) => week.some((d) => d.getMonth() === first.getMonth()))
  const weekday = new Intl.DateTimeFormat(formatLocale(), { weekday: 'short' })
  const today = dayKey(new Date())
  return (
    <table class="calendar-month" data-testid="calendar-month">
      <thead>
        <tr>
          {(weeks[0] ?? []).map((d) => (
            <th key={d.getDay()} scope="col">
              {weekday.format(d)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((week) => (
          <tr key={dayKey(week[0] as Date)}>
            {week.map((d) => (
              <td key={dayKey(d)} class={`${d.getMonth() === first.getMonth() ? '' : 'muted'} ${dayKey(d) === today ? 'calendar-today' : ''}`}>
                <span class="calendar-day">{d.getDate()}</span>
                <ul class="calendar-day-entries">
                  {(byDay.get(dayKey(d)) ?? []).map((entry) => (
                    <li key={entry.uid}>
                      <EntryLine entry={entry} />
                    </li>
                  ))}
                </ul>
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
