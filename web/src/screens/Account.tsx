import type { JSX } from 'preact'
import { Icon } from '../components/Icon'
import { useState } from 'preact/hooks'
import { ApiError, labels as labelsApi, mail, registry, session as sessionApi } from '../api'
import { LanguageSwitcher } from '../components/LanguageSwitcher'
import { AreaField, Field, Loading, errorText, notify, notifyError, useLoad } from '../components/ui'
import { countryName, formatDate, t, zoneLabel } from '../i18n'
import { updateUser } from '../lib/session'
import type { User } from '../types'

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

function PasswordForm(): JSX.Element {
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [repeat, setRepeat] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(event: Event): Promise<void> {
    event.preventDefault()
    setError(null)
    if (next !== repeat) {
      setError(t('account.passwordsDiffer'))
      return
    }
    setBusy(true)
    try {
      await sessionApi.changePassword(current, next)
      setCurrent('')
      setNext('')
      setRepeat('')
      notify(t('account.passwordChanged'))
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 422) setError(errorText(failure) || t('account.passwordWeak'))
      else if (failure instanceof ApiError && (failure.status === 401 || failure.status === 403)) setError(t('account.passwordWrong'))
      else setError(errorText(failure))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="password-heading">
      <h2 id="password-heading">{t('account.password')}</h2>
      <Field label={t('account.currentPassword')} type="password" autocomplete="current-password" value={current} onValue={setCurrent} required />
      <Field label={t('account.newPassword')} type="password" autocomplete="new-password" value={next} onValue={setNext} required minLength={8} hint={t('account.passwordHint')} />
      <Field label={t('account.repeatPassword')} type="password" autocomplete="new-password" value={repeat} onValue={setRepeat} required />
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {t('account.changePassword')}
      </button>
    </form>
  )
}

function ProfileForm({ user }: { user: User }): JSX.Element {
  const profile = user.teacher
  const [name, setName] = useState(user.display_name)
  const [email, setEmail] = useState(user.email ?? '')
  const [subjects, setSubjects] = useState(profile?.subjects.join(', ') ?? '')
  const [languages, setLanguages] = useState(profile?.languages.join(', ') ?? '')
  const [ageMin, setAgeMin] = useState(profile?.age_min?.toString() ?? '')
  const [ageMax, setAgeMax] = useState(profile?.age_max?.toString() ?? '')
  const [bio, setBio] = useState(profile?.bio ?? '')

  async function submit(event: Event): Promise<void> {
    event.preventDefault()
    try {
      const updated = await sessionApi.updateMe({
        display_name: name.trim(),
        email: email.trim() || null,
        subjects: list(subjects),
        languages: list(languages),
        age_min: ageMin ? Number(ageMin) : null,
        age_max: ageMax ? Number(ageMax) : null,
        bio,
      })
      updateUser(updated)
      notify(t('account.saved'))
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="profile-heading">
      <h2 id="profile-heading">{t('account.profile')}</h2>
      <Field label={t('account.displayName')} value={name} onValue={setName} required maxLength={200} />
      <Field label={t('account.email')} type="email" value={email} onValue={setEmail} />
      <Field label={t('account.subjects')} value={subjects} onValue={setSubjects} hint={t('account.commaHint')} />
      <Field label={t('account.languages')} value={languages} onValue={setLanguages} hint={t('account.commaHint')} />
      <div class="grid-2">
        <Field label={t('account.ageMin')} type="number" min={0} max={99} value={ageMin} onValue={setAgeMin} />
        <Field label={t('account.ageMax')} type="number" min={0} max={99} value={ageMax} onValue={setAgeMax} />
      </div>
      <AreaField label={t('account.bio')} value={bio} onValue={setBio} rows={4} maxLength={2000} />
      <button type="submit" class="btn btn-primary">
        {t('action.save')}
      </button>
    </form>
  )
}

const MAIL_KINDS = ['invitation', 'urgent_safety', 'digest'] as const

function MailPreferencesForm(): JSX.Element {
  const prefs = useLoad(() => mail.preferences(), [])

  async function toggle(kind: string, on: boolean): Promise<void> {
    try {
      prefs.set(await mail.setPreferences({ [kind]: on }))
      notify(t('mailPrefs.saved'))
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <section aria-labelledby="mail-heading">
      <h2 id="mail-heading">{t('mailPrefs.heading')}</h2>
      <p class="hint">{t('mailPrefs.intro')}</p>
      <Loading data={prefs} />
      {prefs.data && (
        <ul class="plain-list">
          {MAIL_KINDS.map((kind) => (
            <li key={kind}>
              <label>
                <input type="checkbox" checked={prefs.data?.kinds[kind] ?? true} onChange={(e) => void toggle(kind, e.currentTarget.checked)} /> {t(`mailPrefs.${kind}`)}
              </label>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

export function Account({ user }: { user: User }): JSX.Element {
  const school = useLoad(() => (user.school_id ? registry.school(user.school_id) : Promise.resolve(null)), [user.school_id])
  const myLabels = useLoad(() => (user.kind === 'teacher' ? labelsApi.ofTeacher(user.id) : Promise.resolve([])), [user.id])
  return (
    <div class="page account">
      <h1>{t('nav.account')}</h1>
      <dl class="facts">
        <dt>{t('signin.username')}</dt>
        <dd class="mono">{user.username}</dd>
        {user.country && (
          <>
            <dt>{t('account.country')}</dt>
            <dd>{countryName(user.country)}</dd>
          </>
        )}
        {school.data && (
          <>
            <dt>{t('account.school')}</dt>
            <dd>
              {school.data.name}, {school.data.city} <span class="muted">({zoneLabel(school.data.timezone)})</span>
            </dd>
          </>
        )}
        {user.teacher && (
          <>
            <dt>{t('account.status')}</dt>
            <dd>
              {t(`teacherStatus.${user.teacher.status}`)}
              {user.teacher.review_reason && <span class="muted"> — {user.teacher.review_reason}</span>}
            </dd>
          </>
        )}
      </dl>
      <section aria-labelledby="language-heading">
        <h2 id="language-heading">{t('nav.language')}</h2>
        <LanguageSwitcher />
      </section>
      {user.kind !== 'pupil' && <MailPreferencesForm />}
      <div class="grid-2">
        {user.kind === 'teacher' && <ProfileForm user={user} />}
        <PasswordForm />
      </div>
      {user.kind === 'teacher' && (
        <section aria-labelledby="my-labels">
          <h2 id="my-labels">{t('labels.myLabels')}</h2>
          <Loading data={myLabels} />
          {myLabels.data && myLabels.data.length === 0 && <p class="muted">{t('labels.noneYet')}</p>}
          <ul class="list">
            {myLabels.data?.map((label) => (
              <li key={label.id}>
                <Icon name="medal" /> {t(`labels.level.${label.level}`)} · {label.project_title} · {formatDate(label.awarded_at)}
                {label.nominated && <span class="chip">{t('labels.nominated')}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">{t('account.sessions')}</h2>
        <button
          type="button"
          class="btn"
          onClick={() => {
            if (window.confirm(t('account.signOutAllConfirm'))) {
              void sessionApi.signOutEverywhere().finally(() => location.assign('/signin'))
            }
          }}
        >
          {t('account.signOutAll')}
        </button>
      </section>
    </div>
  )
}
