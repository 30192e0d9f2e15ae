import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { projects as projectsApi, registry } from '../api'
import { Avatar, Dialog, Empty, Loading, SelectField, notify, notifyError, useLoad } from '../components/ui'
import { countryName, t } from '../i18n'
import { usePresence, useSocket } from '../lib/events'
import { Link } from '../lib/router'
import type { Member, Project, Role, User } from '../types'
import { isTeacherIn } from './Project'

const ROLE_ORDER: Role[] = ['founder', 'teacher_admin', 'teacher', 'pupil', 'guest']

export function Members({ user, project }: { user: User; project: Project }): JSX.Element {
  const members = useLoad(() => projectsApi.members(project.id), [project.id])
  const presence = usePresence(useSocket())
  const [adding, setAdding] = useState(false)
  const teacher = isTeacherIn(project)

  const groups = ROLE_ORDER.map((role) => ({ role, list: (members.data ?? []).filter((m) => m.role === role) })).filter((g) => g.list.length)

  return (
    <div class="page members">
      <div class="row">
        <h2>{t('project.members')}</h2>
        {teacher && user.kind === 'teacher' && (
          <span class="actions">
            <button type="button" class="btn" onClick={() => setAdding(true)}>
              {t('members.addPupils')}
            </button>
            <Link class="btn" href="/partners">
              {t('members.invitePartner')}
            </Link>
          </span>
        )}
      </div>
      <Loading data={members} />
      {groups.map(({ role, list }) => (
        <section key={role} aria-labelledby={`role-${role}`}>
          <h3 id={`role-${role}`}>
            {t(`roles.${role}`)} <span class="muted">({list.length})</span>
          </h3>
          <ul class="member-list">
            {list.map((m: Member) => {
              const here = presence.get(m.id)
              return (
                <li key={m.id} class="member">
                  <Avatar name={m.display_name} id={m.id} />
                  <span>
                    {m.display_name}
                    {m.id === user.id && <span class="muted"> ({t('members.you')})</span>}
                    {m.country && <span class="muted"> · {countryName(m.country)}</span>}
                  </span>
                  <span class={`presence ${here ? 'on' : 'off'}`}>
                    <span class="dot" aria-hidden="true" />
                    {here ? t('members.online') : t('members.offline')}
                  </span>
                </li>
              )
            })}
          </ul>
        </section>
      ))}
      {adding && <AddPupils project={project} members={members.data ?? []} onClose={() => setAdding(false)} onAdded={members.reload} />}
    </div>
  )
}

function AddPupils({ project, members, onClose, onAdded }: { project: Project; members: Member[]; onClose: () => void; onAdded: () => void }): JSX.Element {
  const classes = useLoad(() => registry.classes(), [])
  const [classId, setClassId] = useState<string>('')
  const pupils = useLoad(() => (classId ? registry.pupils(Number(classId)) : Promise.resolve([])), [classId])
  const [chosen, setChosen] = useState<Set<number>>(new Set())
  const inProject = new Set(members.map((m) => m.id))

  async function add(): Promise<void> {
    try {
      await projectsApi.addPupils(project.id, [...chosen])
      notify(t('members.pupilsAdded'))
      onAdded()
      onClose()
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <Dialog open title={t('members.addPupils')} onClose={onClose}>
      <Loading data={classes} />
      {classes.data && classes.data.length === 0 && (
        <Empty>
          {t('pupils.noClasses')} <Link href="/pupils">{t('nav.pupils')}</Link>
        </Empty>
      )}
      {classes.data && classes.data.length > 0 && (
        <SelectField
          label={t('pupils.class')}
          value={classId}
          onValue={setClassId}
          options={[{ value: '', label: '—' }, ...classes.data.map((c) => ({ value: String(c.id), label: c.name }))]}
        />
      )}
      {pupils.data && pupils.data.length > 0 && (
        <fieldset class="checks">
          <legend>{t('members.choosePupils')}</legend>
          {pupils.data.map((p) => (
            <label key={p.id} class="check">
              <input
                type="checkbox"
                disabled={inProject.has(p.id)}
                checked={inProject.has(p.id) || chosen.has(p.id)}
                onChange={(e) => {
                  const next = new Set(chosen)
                  if (e.currentTarget.checked) next.add(p.id)
                  else next.delete(p.id)
                  setChosen(next)
                }}
              />
              {p.display_name}
              {inProject.has(p.id) && <span class="muted"> ({t('members.already')})</span>}
            </label>
          ))}
        </fieldset>
      )}
      <div class="actions">
        <button type="button" class="btn btn-primary" disabled={chosen.size === 0} onClick={() => void add()}>
          {t('members.add')}
        </button>
      </div>
    </Dialog>
  )
}
