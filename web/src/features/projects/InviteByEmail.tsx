// Invite a partner teacher by e-mail address: an account gets the normal invitation, an
// unknown address a link that carries the invitation through registration (docs/mail.md).
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { projects as projectsApi } from '../../api'
import { AreaField, Empty, Field, Loading, SelectField, notify, notifyError, useLoad } from '../../components/ui'
import { language, languageName, t } from '../../i18n'

const MAIL_LANGUAGES = ['en', 'pl', 'it', 'de', 'fr', 'fi', 'es'] as const

export function InviteByEmail(): JSX.Element {
  const mine = useLoad(() => projectsApi.mine(), [])
  const manageable = (mine.data ?? []).filter((p) => p.my_role === 'founder' || p.my_role === 'teacher_admin')
  const [projectId, setProjectId] = useState('')
  const [email, setEmail] = useState('')
  const [role, setRole] = useState('teacher')
  const [lang, setLang] = useState<string>(language())
  const [message, setMessage] = useState('')
  const chosen = projectId || String(manageable[0]?.id ?? '')

  async function send(event: Event): Promise<void> {
    event.preventDefault()
    try {
      await projectsApi.inviteByEmail(Number(chosen), email.trim(), role, message, lang)
      notify(t('invite.sentToAddress', { address: email.trim() }))
      setEmail('')
      setMessage('')
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <section class="card invite-by-email" aria-labelledby="invite-by-email">
      <h2 id="invite-by-email" class="h3">
        {t('invite.byEmail')}
      </h2>
      <p class="hint">{t('invite.byEmailHint')}</p>
      <Loading data={mine} />
      {mine.data && manageable.length === 0 && <Empty>{t('partners.noManageable')}</Empty>}
      {manageable.length > 0 && (
        <form onSubmit={(e) => void send(e)}>
          <SelectField label={t('partners.project')} value={chosen} onValue={setProjectId} options={manageable.map((p) => ({ value: String(p.id), label: p.title }))} />
          <Field label={t('invite.email')} type="email" value={email} onValue={setEmail} required maxLength={254} autocomplete="off" />
          <SelectField
            label={t('partners.role')}
            value={role}
            onValue={setRole}
            options={(['teacher', 'teacher_admin', 'guest'] as const).map((r) => ({ value: r, label: t(`role.${r}`) }))}
          />
          <SelectField label={t('invite.language')} value={lang} onValue={setLang} options={MAIL_LANGUAGES.map((code) => ({ value: code, label: languageName(code) }))} />
          <AreaField label={t('partners.message')} value={message} onValue={setMessage} rows={2} maxLength={2000} />
          <button type="submit" class="btn btn-primary">
            {t('partners.send')}
          </button>
        </form>
      )}
    </section>
  )
}
