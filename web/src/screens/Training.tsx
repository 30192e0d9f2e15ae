import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { training as trainingApi } from '../api'
import { Empty, Loading, SelectField, notify, notifyError, safeHref, useLoad } from '../components/ui'
import { countryName, formatDateTime, languageName, t } from '../i18n'
import { TRAINING_KINDS, type HistoryEntry, type TrainingEvent, type User } from '../types'


export function TrainingScreen({ user }: { user: User }): JSX.Element {
  const [kind, setKind] = useState('')
  const [format, setFormat] = useState('')
  const events = useLoad(() => trainingApi.events({ kind: kind || undefined, format: format || undefined }), [kind, format])
  const mine = useLoad(() => (user.kind === 'teacher' ? trainingApi.mine() : Promise.resolve([] as HistoryEntry[])), [user.id])
  const seats = new Map((mine.data ?? []).map((entry) => [entry.event_id, entry]))

  async function enrol(event: TrainingEvent): Promise<void> {
    try {
      const seat = await trainingApi.enrol(event.id)
      notify(seat.status === 'waiting' ? t('training.waitingNotice', { rank: seat.waiting_rank ?? '' }) : t('training.enrolledNotice'))
      mine.reload()
      events.reload()
    } catch (error) {
      notifyError(error)
    }
  }

  async function cancel(event: TrainingEvent): Promise<void> {
    if (!window.confirm(t('training.confirmCancel'))) return
    try {
      await trainingApi.cancel(event.id)
      mine.reload()
      events.reload()
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <div class="page training">
      <div class="row">
        <h1>{t('training.heading')}</h1>
        {user.kind === 'teacher' && (
          <a class="btn" href={trainingApi.calendarUrl} download="training.ics">
            {t('training.calendar')}
          </a>
        )}
      </div>
      <form class="filters" aria-label={t('training.filters')} onSubmit={(e) => e.preventDefault()}>
        <SelectField
          label={t('training.kind')}
          value={kind}
          onValue={setKind}
          options={[{ value: '', label: t('training.anyKind') }, ...TRAINING_KINDS.map((k) => ({ value: k, label: t(`trainingKind.${k}`) }))]}
        />
        <SelectField
          label={t('training.format')}
          value={format}
          onValue={setFormat}
          options={[
            { value: '', label: t('training.anyFormat') },
            { value: 'online', label: t('training.online') },
            { value: 'in_person', label: t('training.inPerson') },
          ]}
        />
      </form>
      <Loading data={events} />
      {events.data && events.data.length === 0 && <Empty>{t('training.none')}</Empty>}
      <ul class="cards">
        {events.data?.map((event) => {
          const seat = seats.get(event.id)
          const active = seat && seat.status !== 'cancelled'
          const full = event.seats_taken >= event.capacity
          return (
            <li key={event.id} class="card training-card">
              <p class="chip">{t(`trainingKind.${event.kind}`)}</p>
              <h2 class="h3">{event.title}</h2>
              <p>
                <time dateTime={event.starts_at}>{formatDateTime(event.starts_at)}</time> – <time dateTime={event.ends_at}>{formatDateTime(event.ends_at)}</time>
              </p>
              <p class="muted">
                {event.format === 'online' ? t('training.online') : `${t('training.inPerson')}${event.place ? ` · ${event.place}` : ''}`} · {languageName(event.language)} ·{' '}
                {event.organiser_country ? countryName(event.organiser_country) : t('training.european')}
              </p>
              {event.description && <p>{event.description}</p>}
              <p class="muted">
                {t('training.seats', { taken: event.seats_taken, capacity: event.capacity })}
                {event.waiting > 0 && ` · ${t('training.waiting', { n: event.waiting })}`}
              </p>
              <p class="muted small">{t('training.enrolUntil', { when: formatDateTime(event.enrol_closes_at) })}</p>
              {user.kind === 'teacher' && (
                <div class="actions">
                  {active ? (
                    <>
                      <span class="chip chip-accent">{t(`seat.${seat.status}`)}{seat.waiting_rank ? ` #${seat.waiting_rank}` : ''}</span>
                      <button type="button" class="btn" onClick={() => void cancel(event)}>
                        {t('training.cancel')}
                      </button>
                    </>
                  ) : event.open_to_you === false ? (
                    <span class="muted">{t('training.notForYou')}</span>
                  ) : (
                    <button type="button" class="btn btn-primary" onClick={() => void enrol(event)}>
                      {full ? t('training.joinWaitingList') : t('training.enrol')}
                    </button>
                  )}
                  {active && seat.status === 'confirmed' && safeHref(event.link) && (
                    <a class="btn btn-quiet" href={safeHref(event.link)} target="_blank" rel="noopener noreferrer">
                      {t('training.joinLink')}
                    </a>
                  )}
                  {seat?.certificate && (
                    <a class="btn btn-quiet" href={seat.certificate.verify_path}>
                      {t('training.certificate')}
                    </a>
                  )}
                </div>
              )}
            </li>
          )
        })}
      </ul>
    </div>
  )
}
