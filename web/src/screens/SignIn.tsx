import type { JSX, TargetedEvent } from 'preact'
import { Icon } from '../components/Icon'
import { useState } from 'preact/hooks'
import { ApiError } from '../api'
import { LanguageSwitcher } from '../components/LanguageSwitcher'
import { errorText } from '../components/ui'
import { t } from '../i18n'
import { Link } from '../lib/router'
import { signIn } from '../lib/session'

export function SignIn(): JSX.Element {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(event: Event): Promise<void> {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await signIn(username.trim(), password) // the app then leaves /signin for ?next=
    } catch (failure) {
      if (failure instanceof ApiError && (failure.status === 401 || failure.status === 422 || failure.status === 400)) setError(t('signin.wrong'))
      else setError(errorText(failure))
    } finally {
      setBusy(false)
    }
  }

  return (
    <main id="main" class="signin-page">
      <div class="signin-card">
        <h1>
          <Icon name="globe" size={30} /> TwinSpaces
        </h1>
        <p class="lead">{t('signin.welcome')}</p>
        <form onSubmit={(event) => void submit(event)} aria-describedby={error ? 'signin-error' : undefined}>
          <div class="field">
            <label for="signin-username">{t('signin.username')}</label>
            <input
              id="signin-username"
              name="username"
              autocomplete="username"
              autocapitalize="none"
              spellcheck={false}
              required
              value={username}
              onInput={(e: TargetedEvent<HTMLInputElement>) => setUsername(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="signin-password">{t('signin.password')}</label>
            <input
              id="signin-password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
              value={password}
              onInput={(e: TargetedEvent<HTMLInputElement>) => setPassword(e.currentTarget.value)}
            />
          </div>
          {error && (
            <p id="signin-error" class="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="btn btn-primary btn-big" disabled={busy}>
            {busy ? t('status.signingIn') : t('signin.submit')}
          </button>
        </form>
        <p class="hint">{t('signin.pupilHint')}</p>
        <p>
          {t('signin.teacherNew')} <Link href="/register">{t('signin.register')}</Link>
        </p>
        <LanguageSwitcher />
      </div>
    </main>
  )
}
