// The unsubscribe link of an e-mail (`/unsubscribe?token=`): one button, no sign-in. Opening
// the page changes nothing (link checkers open links); the button POSTs the signed token.
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { mail } from '../api'
import { Icon } from '../components/Icon'
import { LanguageSwitcher } from '../components/LanguageSwitcher'
import { t } from '../i18n'

export function Unsubscribe(): JSX.Element {
  const [token] = useState(() => new URLSearchParams(location.search).get('token') ?? '')
  const [state, setState] = useState<'ask' | 'done' | 'invalid'>(token ? 'ask' : 'invalid')

  async function confirm(): Promise<void> {
    try {
      await mail.unsubscribe(token)
      setState('done')
    } catch {
      setState('invalid')
    }
  }

  return (
    <main id="main" class="signin-page">
      <div class="signin-card">
        <h1>
          <Icon name="globe" size={30} /> {t('unsubscribe.heading')}
        </h1>
        {state === 'ask' && (
          <>
            <p>{t('unsubscribe.intro')}</p>
            <button type="button" class="btn btn-primary btn-big" onClick={() => void confirm()}>
              {t('unsubscribe.confirm')}
            </button>
          </>
        )}
        {state === 'done' && (
          <p class="lead" role="status">
            {t('unsubscribe.done')}
          </p>
        )}
        {state === 'invalid' && (
          <p class="form-error" role="alert">
            {t('unsubscribe.invalid')}
          </p>
        )}
        <LanguageSwitcher />
      </div>
    </main>
  )
}
