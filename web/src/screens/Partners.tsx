import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { projects as projectsApi, registry } from '../api'
import { AreaField, Dialog, Empty, Field, Loading, SelectField, notify, notifyError, useLoad } from '../components/ui'
import { InviteByEmail } from '../features/projects/InviteByEmail'
import { countryName, languageName, subjectName, t } from '../i18n'
import type { TeacherOut, User } from '../types'

interface Query {
  country: string
  subject: string
  language: string
  age: string
}

export function Partners({ user }: { user: User }): JSX.Element {
  const countries = useLoad(() => registry.countries(), [])
  const [form, setForm] = useState<Query>({ country: '', subject: '', language: '', age: '' })
  const [query, setQuery] = useState<Query>(form)
  const results = useLoad(
    () =>
      registry.partners({
        country: query.country || undefined,
        subject: query.subject.trim() || undefined,
        language: query.language.trim() || undefined,
        age: query.age ? Number(query.age) : null,
      }),
    [query],
  )
  const [inviting, setInviting] = useState<TeacherOut | null>(null)
  const set = (key: keyof Query) => (value: string) => setForm({ ...form, [key]: value })

  return (
    <div class="page partners">
      <h1>{t('partners.heading')}</h1>
      <InviteByEmail />
      <h2 class="h3">{t('invite.byId')}</h2>
      <form
        class="filters"
        role="search"
        aria-label={t('partners.heading')}
        onSubmit={(e) => {
          e.preventDefault()
          setQuery({ ...form })
        }}
      >
        <SelectField
          label={t('partners.country')}
          value={form.country}
          onValue={set('country')}
          options={[{ value: '', label: t('partners.anyCountry') }, ...(countries.data ?? []).map((c) => ({ value: c.code, label: countryName(c.code) || c.name }))]}
        />
        <Field label={t('partners.subject')} value={form.subject} onValue={set('subject')} />
        <Field label={t('partners.language')} value={form.language} onValue={set('language')} hint={t('partners.languageHint')} />
        <Field label={t('partners.age')} type="number" min={0} max={99} value={form.age} onValue={set('age')} />
        <button type="submit" class="btn btn-primary">
          {t('action.search')}
        </button>
      </form>
      <Loading data={results} />
      {results.data && results.data.length === 0 && <Empty>{t('partners.none')}</Empty>}
      <ul class="cards">
        {results.data
          ?.filter((teacher) => teacher.id !== user.id)
          .map((teacher) => (
            <li key={teacher.id} class="card">
              <h2 class="h3">{teacher.display_name}</h2>
              <p class="muted">{countryName(teacher.country)}</p>
              <p>
                {teacher.profile.subjects.map((s) => (
                  <span key={s} class="chip">
                    {subjectName(s)}
                  </span>
                ))}
              </p>
              <p class="muted">
                {teacher.profile.languages.map(languageName).join(', ')}
                {teacher.profile.age_min !== null && ` · ${t('partners.ages', { min: teacher.profile.age_min, max: teacher.profile.age_max ?? '' })}`}
              </p>
              {teacher.profile.bio && <p>{teacher.profile.bio}</p>}
              <button type="button" class="btn" onClick={() => setInviting(teacher)}>
                {t('partners.invite')}
              </button>
            </li>
          ))}
      </ul>
      {inviting && <InviteDialog teacher={inviting} onClose={() => setInviting(null)} />}
    </div>
  )
}

function InviteDialog({ teacher, onClose }: { teacher: TeacherOut; onClose: () => void }): JSX.Element {
  const mine = useLoad(() => projectsApi.mine(), [])
  const manageable = (mine.data ?? []).filter((p) => p.my_role === 'founder' || p.my_role === 'teacher_admin')
  const [projectId, setProjectId] = useState('')
  const [role, setRole] = useState('teacher')
  const [message, setMessage] = useState('')
  const chosen = projectId || String(manageable[0]?.id ?? '')

  async function send(event: Event): Promise<void> {
    event.preventDefault()
    try {
      await projectsApi.invite(Number(chosen), teacher.id, role, message)
      notify(t('partners.invited', { name: teacher.display_name }))
      onClose()
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <Dialog open title={t('partners.inviteTitle', { name: teacher.display_name })} onClose={onClose}>
      <Loading data={mine} />
      {mine.data && manageable.length === 0 && <Empty>{t('partners.noManageable')}</Empty>}
      {manageable.length > 0 && (
        <form onSubmit={(e) => void send(e)}>
          <SelectField label={t('partners.project')} value={chosen} onValue={setProjectId} options={manageable.map((p) => ({ value: String(p.id), label: p.title }))} />
          <SelectField
            label={t('partners.role')}
            value={role}
            onValue={setRole}
            options={(['teacher', 'teacher_admin', 'guest'] as const).map((r) => ({ value: r, label: t(`role.${r}`) }))}
          />
          <AreaField label={t('partners.message')} value={message} onValue={setMessage} rows={3} maxLength={2000} />
          <button type="submit" class="btn btn-primary">
            {t('partners.send')}
          </button>
        </form>
      )}
    </Dialog>
  )
}
