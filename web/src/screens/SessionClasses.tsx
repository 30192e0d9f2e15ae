// The classes taking part in a live session, by school. Each partner teacher adds or takes out
// their own classes; the session's organiser and the founders invite any class of the TwinSpace
// (the server decides: twinspace/workspace/access.py `session_class`). The organiser or a
// founder may call a scheduled session off. While it is live, each teacher sees which of their
// own school's pupils are not in yet and may let a pupil of their class in without a code.
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { liveSessions } from '../api'
import { Loading, SelectField, notify, notifyError, useLoad } from '../components/ui'
import { t } from '../i18n'
import { useEvent, useSocket } from '../lib/events'
import { useProjectLive } from '../lib/projectLive'
import type { LiveSession, Project, ProjectClass, Roster, SessionState, User } from '../types'

/** "5A — Istituto Comprensivo Bologna 5 (Marco Rossi)"; the viewer's own: "6B — your school". */
export function classChoiceLabel(c: ProjectClass): string {
  if (c.yours) return t('session.classOfYours', { name: c.class_name })
  const teachers = c.teachers.length ? ` (${c.teachers.join(', ')})` : ''
  return `${c.class_name} — ${c.school.name}${teachers}`
}

export function SessionClasses({ user, project, session, state }: { user: User; project: Project; session: LiveSession; state: SessionState }): JSX.Element {
  const live = useProjectLive()
  const classes = useLoad(() => liveSessions.projectClasses(project.id), [project.id])
  const [choice, setChoice] = useState('')
  const [busy, setBusy] = useState(false)
  const organiser = project.my_role === 'founder' || session.created_by === user.id
  const open = state === 'scheduled' || state === 'live'
  const known = new Map((classes.data ?? []).map((c) => [c.class_id, c]))
  const inSession = new Set(session.classes.map((c) => c.class_id))
  const mayManage = (classId: number): boolean => organiser || known.get(classId)?.yours === true
  const addable = (classes.data ?? []).filter((c) => !inSession.has(c.class_id) && (organiser || c.yours))

  async function act(run: () => Promise<LiveSession>, done: string): Promise<void> {
    setBusy(true)
    try {
      live.upsert(await run())
      notify(done)
    } catch (error) {
      notifyError(error)
    } finally {
      setBusy(false)
    }
  }

  const schools = new Map<number, { name: string; classes: LiveSession['classes'] }>()
  for (const c of session.classes) {
    const group = schools.get(c.school.id) ?? { name: c.school.name, classes: [] }
    group.classes.push(c)
    schools.set(c.school.id, group)
  }
  const selected = choice || String(addable[0]?.class_id ?? '')

  return (
    <section aria-labelledby="session-classes-heading" class="session-classes" data-testid="session-classes">
      <h3 id="session-classes-heading">{t('session.classes')}</h3>
      <ul class="list">
        {[...schools.entries()].map(([schoolId, group]) => (
          <li key={schoolId} data-school-id={schoolId}>
            <strong>{group.name}</strong>
            <ul class="inline-list">
              {group.classes.map((c) => (
                <li key={c.class_id} data-class-id={c.class_id} class="chip">
                  {c.class_name}
                  {open && mayManage(c.class_id) && session.classes.length > 1 && (
                    <button
                      type="button"
                      class="btn btn-small"
                      disabled={busy}
                      aria-label={t('session.removeClassLabel', { name: c.class_name })}
                      onClick={() => {
                        if (window.confirm(t('session.confirmRemoveClass', { name: c.class_name })))
                          void act(() => liveSessions.removeClass(session.id, c.class_id), t('session.classRemoved'))
                      }}
                    >
                      {t('session.removeClass')}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      <Loading data={classes} />
      {open && addable.length > 0 && (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault()
            if (selected) void act(() => liveSessions.addClasses(session.id, [Number(selected)]), t('session.classAdded'))
          }}
        >
          <SelectField
            label={organiser ? t('session.inviteClass') : t('session.addOwnClass')}
            value={selected}
            onValue={setChoice}
            options={addable.map((c) => ({ value: String(c.class_id), label: classChoiceLabel(c) }))}
          />
          <button type="submit" class="btn" disabled={busy}>
            {t('session.addClass')}
          </button>
        </form>
      )}
      {state === 'scheduled' && organiser && (
        <p>
          <button
            type="button"
            class="btn btn-danger"
            disabled={busy}
            onClick={() => {
              if (window.confirm(t('session.confirmCancel'))) void act(() => liveSessions.cancel(session.id), t('session.cancelledNotice'))
            }}
          >
            {t('session.cancel')}
          </button>
        </p>
      )}
    </section>
  )
}

export function PupilsNotHere({ session }: { session: LiveSession }): JSX.Element | null {
  const socket = useSocket()
  const attendance = useLoad(() => liveSessions.attendance(session.id), [session.id])
  useEvent(socket, 'session.roster', (data: Roster) => {
    if (data.session_id === session.id) attendance.reload()
  })
  const [busy, setBusy] = useState(false)
  const waiting = (attendance.data?.schools ?? []).flatMap((s) => (s.yours ? (s.absent ?? []) : []))
  if (waiting.length === 0) return null

  async function letIn(pupil: { id: number; display_name: string }): Promise<void> {
    setBusy(true)
    try {
      await liveSessions.admit(session.id, pupil.id)
      notify(t('session.letInDone', { name: pupil.display_name }))
      attendance.reload()
    } catch (error) {
      notifyError(error)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section aria-labelledby="not-here-heading" class="pupils-not-here" data-testid="pupils-not-here">
      <h3 id="not-here-heading">{t('session.notHereTitle')}</h3>
      <p class="hint">{t('session.notHereHint')}</p>
      <ul class="inline-list">
        {waiting.map((pupil) => (
          <li key={pupil.id} class="chip" data-user-id={pupil.id}>
            {pupil.display_name}{' '}
            <button type="button" class="btn btn-small" disabled={busy} aria-label={t('session.letInLabel', { name: pupil.display_name })} onClick={() => void letIn(pupil)}>
              {t('session.letIn')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}
