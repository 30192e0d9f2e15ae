// One calendar entry: time in the viewer's zone, title, kind, state, and the organiser's own
// time when they plan in another zone.
import type { JSX } from 'preact'
import { formatDateTime, formatTime, t, tOr, zoneLabel } from '../../../i18n'
import { Link } from '../../../lib/router'
import type { CalendarEntry } from '../api'

export function EntryLine({ entry, withDate = false }: { entry: CalendarEntry; withDate?: boolean }): JSX.Element {
  const when = withDate ? formatDateTime(entry.starts_at.utc) : `${formatTime(entry.starts_at.utc)}–${formatTime(entry.ends_at.utc)}`
  const otherZone = entry.organiser_timezone !== entry.starts_at.timezone
  return (
    <span class={`calendar-entry calendar-${entry.kind} calendar-status-${entry.status}`} data-testid="calendar-entry" data-uid={entry.uid}>
      <time dateTime={entry.starts_at.utc}>{when}</time>{' '}
      <Link href={entry.path}>{entry.title}</Link>{' '}
      <span class="muted small">
        · {tOr(`calendar.kind.${entry.kind}`, entry.kind)}
        {entry.project_title ? ` · ${entry.project_title}` : ''}
        {entry.status === 'cancelled' || entry.status === 'live' ? ` · ${t(`session.state.${entry.status}`)}` : ''}
      </span>
      {otherZone && (
        <span class="muted small calendar-organiser-time">
          {' '}
          · {t('calendar.organiserTime', { when: formatDateTime(entry.starts_at.utc, entry.organiser_timezone), zone: zoneLabel(entry.organiser_timezone) })}
        </span>
      )}
    </span>
  )
}
