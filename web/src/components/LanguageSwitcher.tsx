import type { JSX, TargetedEvent } from 'preact'
import { LANGUAGES, isLang, language, setLanguage, t } from '../i18n'
import { currentUser, saveLocale } from '../lib/session'
import { useStore } from '../lib/store'
import { useId } from 'preact/hooks'
import { notifyError } from './ui'

export function LanguageSwitcher({ compact }: { compact?: boolean }): JSX.Element {
  const user = useStore(currentUser)
  const id = `language-${useId()}`
  return (
    <div class={compact ? 'lang-switch compact' : 'lang-switch'}>
      <label for={id}>{t('nav.language')}</label>
      <select
        id={id}
        value={language()}
        onChange={(event: TargetedEvent<HTMLSelectElement>) => {
          const lang = event.currentTarget.value
          if (!isLang(lang)) return
          setLanguage(lang, user ? 'device' : 'sign-in')
          if (user) saveLocale(lang, notifyError, true)
        }}
      >
        {LANGUAGES.map((option) => (
          <option key={option.code} value={option.code} lang={option.code}>
            {option.name}
          </option>
        ))}
      </select>
    </div>
  )
}
