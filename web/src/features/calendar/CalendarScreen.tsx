// The project calendar: live sessions of every TwinSpace of the viewer and the training they
// booked, as a month or an agenda, in the viewer's own time zone; staff also manage their
// private iCalendar link here.
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { Loading } from '../../components/ui'
import { formatLocale, t, zoneLabel } from '../../i18n'
import type { User } from '../../types'
import { AgendaList } from './components/AgendaList'
import { FeedSettings } from './components/FeedSettings'
import { MonthGrid } from './components/MonthGrid'
import { useMonth } from './hooks'

type Layout = 'month' | 'agenda'

export function CalendarScreen({ user }: { user: User }): JSX.Element {
  const month = useMonth()
  const [layout, setLayout] = useState<Layout>('month')
  const title = new Intl.DateTimeFormat(formatLocale(), { month: 'long', year: 'numeric' }).format(month.first)
  const entries = month.entries.data?.entries ?? []
  return (
    <div class="page calendar" data-testid="calendar">
      <h2>{t('calendar.title')}</h2>
      <p class="hint">{t('calendar.intro', { zone: zoneLabel() })}</p>
      <div class="row calendar-toolbar">
        <button type="button" class="btn" onClick={month.previous} aria-label={t('calendar.previous')}>
          ‹
        </button>
        <h3 aria-live="polite" data-testid="calendar-title">
          {title}
        </h3>
        <button type="button" class="btn" onClick={month.next} aria-label={t('calendar.next')}>
          ›
        </button>
        <button type="button" class="btn" onClick={month.today}>
          {t('calendar.today')}
        </button>
        <div class="segmented-buttons" role="group" aria-label={t('calendar.view')}>
          {(['month', 'agenda'] as const).map((key) => (
            <button key={key} type="button" class="btn" aria-pressed={layout === key} onClick={() => setLayout(key)}>
              {t(`calendar.${key}`)}
            </button>
          ))}
        </div>
      </div>
      <Loading data={month.entries} />
      {month.entries.data && (layout === 'month' ? <MonthGrid first={month.first} entries={entries} /> : <AgendaList entries={entries} />)}
      {user.kind !== 'pupil' && <FeedSettings />}
    </div>
  )
}
