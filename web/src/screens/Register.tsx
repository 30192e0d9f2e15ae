// Teacher registration (public): free, at any time; the country's NSO validates it.
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { mail, registry, request } from '../api'
import { Icon } from '../components/Icon'
import { LanguageSwitcher } from '../components/LanguageSwitcher'
import { AreaField, Field, Loading, SelectField, errorText, useLoad } from '../components/ui'
import { countryName, t } from '../i18n'
import { Link } from '../lib/router'
import { STAFF_ROLES, type SchoolOut } from '../types'

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

/** The invitation token of an e-mail's link (`/register?invitation=`), if any. */
function invitationToken(): string | null {
  return new URLSearchParams(location.search).get('invitation')
}

export function Register(): JSX.Element {
  const countries = useLoad(() => registry.countries(), [])
  const [token] = useState(invitationToken)
  const invitation = useLoad(() => (token ? mail.invitationLink(token).catch(() => null) : Promise.resolve(null)), [token])
  const [country, setCountry] = useState('')
  const [query, setQuery] = useState('')
  const schools = useLoad(
    () => (country ? request<SchoolOut[]>('GET', '/schools', undefined, { country, q: query.trim() || undefined, limit: 50 }) : Promise.resolve([])),
    [country, query],
  )
  const [schoolId, setSchoolId] = useState('')
  const [form, setForm] = useState({ username: '', password: '', display_name: '', email: '', staff_role: 'teacher', subjects: '', languages: '', bio: '' })
  const invited = invitation.data ?? null
  const email = form.email || (invited?.address ?? '')
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState(false)
  const set = (key: keyof typeof form) => (value: string) => setForm({ ...form, [key]: value })
  const chosenSchool = schoolId || String(schools.data?.[0]?.id ?? '')

  async function submit(event: Event): Promise<void> {
    event.preventDefault()
    setError(null)
    try {
      await request('POST', '/registrations', {
        username: form.username.trim(),
        password: form.password,
        display_name: form.display_name.trim(),
        email: email.trim(),
        staff_role: form.staff_role,
        school_id: chosenSchool ? Number(chosenSchool) : null,
        subjects: list(form.subjects),
        languages: list(form.languages),
        bio: form.bio,
        invitation_token: invited ? token : null,
      })
      setDone(true)
    } catch (failure) {
      setError(errorText(failure))
    }
  }

  return (
    <main id="main" class="signin-page">
      <div class="signin-card register-card">
        <h1>
          <Icon name="globe" size={30} /> {t('register.heading')}
        </h1>
        {done ? (
          <div role="status">
            <p class="lead">{invited ? t('register.doneInvited', { project: invited.project_title }) : t('register.done')}</p>
            <Link href="/signin" class="btn btn-primary">
              {t('signin.submit')}
            </Link>
          </div>
        ) : (
          <form onSubmit={(e) => void submit(e)}>
            {invited && (
              <p class="notice" role="status">
                {t('register.invitedTo', { name: invited.inviter_name, project: invited.project_title })}
              </p>
            )}
            {token && invitation.data === null && !invitation.loading && (
              <p class="notice" role="status">
                {t('register.invitationInvalid')}
              </p>
            )}
            <p class="hint">{t('register.intro')}</p>
            <Loading data={countries} />
            <SelectField
              label={t('account.country')}
              value={country}
              onValue={(v) => {
                setCountry(v)
                setSchoolId('')
              }}
              options={[{ value: '', label: '—' }, ...(countries.data ?? []).map((c) => ({ value: c.code, label: countryName(c.code) || c.name }))]}
            />
            {country && (
              <>
                <Field label={t('register.findSchool')} value={query} onValue={setQuery} />
                {schools.data && schools.data.length === 0 && <p class="hint">{t('register.noSchool')}</p>}
                {schools.data && schools.data.length > 0 && (
                  <SelectField
                    label={t('account.school')}
                    value={chosenSchool}
                    onValue={setSchoolId}
                    options={schools.data.map((s) => ({ value: String(s.id), label: `${s.name}, ${s.city}` }))}
                  />
                )}
              </>
            )}
            <SelectField
              label={t('nso.role')}
              value={form.staff_role}
              onValue={set('staff_role')}
              options={STAFF_ROLES.map((r) => ({ value: r, label: t(`staffRole.${r}`) }))}
            />
            <Field label={t('account.displayName')} value={form.display_name} onValue={set('display_name')} required maxLength={200} />
            <Field label={t('account.email')} type="email" value={email} onValue={set('email')} required autocomplete="email" />
            <Field label={t('signin.username')} value={form.username} onValue={set('username')} required minLength={3} maxLength={64} autocomplete="username" hint={t('register.usernameHint')} />
            <Field label={t('signin.password')} type="password" value={form.password} onValue={set('password')} required minLength={8} autocomplete="new-password" hint={t('account.passwordHint')} />
            <Field label={t('account.subjects')} value={form.subjects} onValue={set('subjects')} hint={t('account.commaHint')} />
            <Field label={t('account.languages')} value={form.languages} onValue={set('languages')} hint={t('account.commaHint')} />
            <AreaField label={t('account.bio')} value={form.bio} onValue={set('bio')} rows={3} maxLength={2000} />
            {error && (
              <p class="form-error" role="alert">
                {error}
              </p>
            )}
            <button type="submit" class="btn btn-primary btn-big" disabled={!chosenSchool}>
              {t('register.submit')}
            </button>
            <p>
              <Link href="/signin">{t('register.haveAccount')}</Link>
            </p>
          </form>
        )}
        <LanguageSwitcher />
      </div>
    </main>
  )
}
