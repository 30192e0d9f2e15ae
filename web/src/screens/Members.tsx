import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { projects as projectsApi, registry } from '../api'
import { Avatar, Dialog, Empty, Loading, SelectField, notify, notifyError, useLoad } from '../components/ui'
import { countryName, formatDate, t } from '../i18n'
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
      {(project.my_role === 'founder' || project.my_role === 'teacher_admin') && <AddressInvitations project={project} />}
      {adding && <AddPupils project={project} members={members.data ?? []} onClose={() => setAdding(false)} onAdded={members.reload} />}
    </div>
  )
}

function AddressInvitations({ project }: { project: Project }): JSX.Element | null {
  const sent = useLoad(() => projectsApi.addressInvitations(project.id), [project.id])
  if (!sent.data || sent.data.length === 0) return null

  async function withdraw(id: number): Promise<void> {
    try {
      await projectsApi.withdrawAddressInvitation(project.id, id)
      notify(t('members.withdrawn'))
      sent.reload()
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <section aria-labelledby="address-invitations">
      <h3 id="address-invitations">{t('members.addressInvitations')}</h3>
      <ul class="member-list">
        {sent.data.map((i) => (
          <li key={i.id} class="member">
            <span>
              {i.address} <span class="muted">· {t(`role.${i.role}`)}</span>
            </span>
            <span class="muted">
              {t(`addressInvitation.${i.status}`)}
              {i.status === 'pending' && ` · ${t('members.expires', { date: formatDate(i.expires_at) })}`}
            </span>
            {(i.status === 'pending' || i.status === 'claimed') && (
              <button type="button" class="btn btn-small" aria-label={t('members.withdrawInvitation', { address: i.address })} onClick={() => void withdraw(i.id)}>
                {t('members.withdraw')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
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
