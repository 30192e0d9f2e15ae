// The teacher desk's pupils tab: who is muted now (with the end and the reason), muting and
// unmuting, and one pupil's recent activity in the TwinSpace.
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { moderation, projects as projectsApi } from '../api'
import { Dialog, Empty, Field, Loading, SelectField, StatusBadge, notify, notifyError, useLoad } from '../components/ui'
import { countryName, formatDateTime, formatRelative, formatWhen, t, tOr } from '../i18n'
import { useEvent, useSocket } from '../lib/events'
import { Link } from '../lib/router'
import type { Member, ModerationNotice, Project } from '../types'
import { ReflowTable } from '../components/ReflowTable'

export function DeskPupils({ project }: { project: Project }): JSX.Element {
  const socket = useSocket()
  const members = useLoad(() => projectsApi.members(project.id), [project.id])
  const mutes = useLoad(() => moderation.mutes(project.id), [project.id])
  const [muting, setMuting] = useState<Member | null>(null)
  const [activityOf, setActivityOf] = useState<Member | null>(null)
  const pupils = (members.data ?? []).filter((m) => m.role === 'pupil').sort((a, b) => a.display_name.localeCompare(b.display_name))
  const byId = new Map((members.data ?? []).map((m) => [m.id, m]))
  const muted = new Map((mutes.data ?? []).map((m) => [m.user_id, m]))

  useEvent(socket, 'moderation.notice', (notice: ModerationNotice) => {
    if (notice.kind === 'muted' || notice.kind === 'unmuted') mutes.reload()
  })
  useEvent(socket, 'reload', () => mutes.reload())

  async function unmute(member: Member): Promise<void> {
    try {
      await moderation.unmute(project.id, member.id)
      notify(t('desk.unmuted', { name: member.display_name }))
      mutes.reload()
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <div class="desk-pupils">
      <section aria-labelledby="mutes-heading" data-testid="mutes">
        <h2 id="mutes-heading">{t('desk.mutedNow')}</h2>
        <Loading data={mutes} />
        {mutes.data && mutes.data.length === 0 && <Empty>{t('desk.noMutes')}</Empty>}
        <ul class="list">
          {mutes.data?.map((m) => {
            const member = byId.get(m.user_id)
            const name = member?.display_name ?? `#${m.user_id}`
            return (
              <li key={m.user_id} class="row" data-user-id={m.user_id}>
                <span>
                  <strong>{name}</strong> · {t('desk.mutedUntil', { when: formatWhen(m.until) })}
                  {m.reason && <span class="muted"> · {m.reason}</span>}
                </span>
                {member && (
                  <button type="button" class="btn" onClick={() => void unmute(member)} aria-label={t('desk.unmuteName', { name })}>
                    {t('desk.unmute')}
                  </button>
                )}
              </li>
            )
          })}
        </ul>
      </section>
      <section aria-labelledby="pupils-heading">
        <h2 id="pupils-heading">{t('desk.pupilsHeading')}</h2>
        <Loading data={members} />
        {members.data && pupils.length === 0 && <Empty>{t('desk.noPupils')}</Empty>}
        {pupils.length > 0 && (
          <ReflowTable>
            <caption class="sr-only">{t('desk.pupilsHeading')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('desk.pupil')}</th>
                <th scope="col">{t('account.country')}</th>
                <th scope="col">{t('desk.state')}</th>
                <th scope="col">
                  <span class="sr-only">{t('desk.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {pupils.map((p) => {
                const mute = muted.get(p.id)
                return (
                  <tr key={p.id} data-user-id={p.id}>
                    <td>{p.display_name}</td>
                    <td>{countryName(p.country)}</td>
                    <td>{mute ? t('desk.mutedUntil', { when: formatWhen(mute.until) }) : t('desk.canWrite')}</td>
                    <td class="actions">
                      <button type="button" class="btn btn-small" onClick={() => setActivityOf(p)} aria-label={t('desk.activityOf', { name: p.display_name })}>
                        {t('desk.activity')}
                      </button>
                      {mute ? (
                        <button type="button" class="btn btn-small" onClick={() => void unmute(p)} aria-label={t('desk.unmuteName', { name: p.display_name })}>
                          {t('desk.unmute')}
                        </button>
                      ) : (
                        <button type="button" class="btn btn-small" onClick={() => setMuting(p)} aria-label={t('desk.mute', { name: p.display_name })}>
                          {t('desk.muteShort')}
                        </button>
                      )}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </ReflowTable>
        )}
      </section>
      {muting && (
        <MuteDialog
          project={project}
          member={muting}
          onClose={() => setMuting(null)}
          onDone={() => {
            setMuting(null)
            mutes.reload()
          }}
        />
      )}
      {activityOf && <ActivityDialog project={project} member={activityOf} onClose={() => setActivityOf(null)} />}
    </div>
  )
}

const DURATIONS = [15, 60, 24 * 60, 7 * 24 * 60] as const

function durationLabel(minutes: number): string {
  if (minutes < 60) return t('desk.minutes', { n: minutes })
  if (minutes === 60) return t('desk.oneHour')
  return minutes === 24 * 60 ? t('desk.oneDay') : t('desk.oneWeek')
}

export function MuteDialog({ project, member, onClose, onDone }: { project: Project; member: Member; onClose: () => void; onDone: () => void }): JSX.Element {
  const [minutes, setMinutes] = useState('60')
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const ends = new Date(Date.now() + Number(minutes) * 60_000)

  async function submit(event: Event): Promise<void> {
    event.preventDefault()
    setBusy(true)
    try {
      const mute = await moderation.mute(project.id, member.id, Number(minutes), reason.trim())
      notify(t('desk.muted', { name: member.display_name, when: formatWhen(mute.until) }))
      onDone()
    } catch (error) {
      notifyError(error)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog open title={t('desk.mute', { name: member.display_name })} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <p class="hint">{t('desk.muteIntro')}</p>
        <SelectField label={t('desk.muteFor')} value={minutes} onValue={setMinutes} options={DURATIONS.map((n) => ({ value: String(n), label: durationLabel(n) }))} />
        <p class="muted small">{t('desk.muteEnds', { when: formatWhen(ends) })}</p>
        <Field label={t('desk.muteReason')} hint={t('desk.muteReasonHint')} value={reason} onValue={setReason} maxLength={1000} />
        <div class="actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {t('desk.muteConfirm')}
          </button>
          <button type="button" class="btn" onClick={onClose}>
            {t('action.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  )
}

function activityLink(project: Project, kind: string, spaceId: number): string | null {
  if (!spaceId) return null
  if (kind === 'message') return `/projects/${project.id}/chat/${spaceId}`
  if (kind === 'post' || kind === 'comment' || kind === 'upload') return `/projects/${project.id}/boards/${spaceId}`
  if (kind === 'page') return `/projects/${project.id}/pages/${spaceId}`
  return null
}

export function ActivityDialog({ project, member, onClose }: { project: Project; member: Member; onClose: () => void }): JSX.Element {
  const activity = useLoad(() => moderation.activity(project.id, member.id), [project.id, member.id])
  const data = activity.data
  return (
    <Dialog open wide title={t('desk.activityOf', { name: member.display_name })} onClose={onClose}>
      <Loading data={activity} />
      {data?.muted_until && <p class="notice">{t('desk.mutedUntil', { when: formatWhen(data.muted_until) })}</p>}
      {data && data.items.length === 0 && <Empty>{t('desk.noActivity')}</Empty>}
      <ul class="list activity" data-testid="activity">
        {data?.items.map((item) => (
          <li key={`${item.kind}:${item.id}`}>
            <p class="queue-head">
              <span class="chip">{tOr(`desk.item.${item.kind}`, item.kind)}</span>
              <StatusBadge status={item.status} />
              <time class="muted" dateTime={item.created_at} title={formatDateTime(item.created_at)}>
                {formatRelative(item.created_at)}
              </time>
            </p>
            <p class="queue-text">{item.text}</p>
            {activityLink(project, item.kind, item.space_id) && (
              <p>
                <Link href={activityLink(project, item.kind, item.space_id) ?? ''}>{t('desk.openSpace')}</Link>
              </p>
            )}
          </li>
        ))}
      </ul>
    </Dialog>
  )
}
