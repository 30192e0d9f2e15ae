// The month's entries as a list, soonest first: easier on a phone and for screen readers.
import type { JSX } from 'preact'
import { Empty } from '../../../components/ui'
import { t } from '../../../i18n'
import type { CalendarEntry } from '../api'
import { EntryLine } from './EntryLine'

export function AgendaList({ entries }: { entries: CalendarEntry[] }): JSX.Element {
  if (entries.length === 0) return <Empty>{t('calendar.empty')}</Empty>
  return (
    <ul class="list calendar-agenda" data-testid="calendar-agenda">
      {entries.map((entry) => (
        <li key={entry.uid}>
          <EntryLine entry={entry} withDate />
        </li>
      ))}
    </ul>
  )
}
