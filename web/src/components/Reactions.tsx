import type { JSX } from 'preact'
import { useRef } from 'preact/hooks'
import { t } from '../i18n'
import { Icon } from './Icon'
import type { Reaction } from '../types'

// The server accepts a fixed, friendly set; these are the ones offered in the picker.
export const OFFERED_REACTIONS = ['👍', '❤️', '😂', '😮', '👏', '🎉', '🤔', '💡', '⭐', '🌍'] as const

interface Props {
  reactions: Reaction[]
  me: number
  disabled?: boolean
  onToggle: (emoji: string) => void
}

export function Reactions({ reactions, me, disabled, onToggle }: Props): JSX.Element {
  const picker = useRef<HTMLDetailsElement>(null)
  return (
    <div class="reactions">
      {reactions
        .filter((r) => r.count > 0)
        .map((r) => {
          const mine = r.user_ids.includes(me)
          return (
            <button
              key={r.emoji}
              type="button"
              class={`reaction ${mine ? 'mine' : ''}`}
              aria-pressed={mine}
              aria-label={t('reactions.toggle', { emoji: r.emoji, count: r.count })}
              disabled={disabled}
              onClick={() => onToggle(r.emoji)}
            >
              <span aria-hidden="true">{r.emoji}</span> {r.count}
            </button>
          )
        })}
      {!disabled && (
        <details class="reaction-picker" ref={picker}>
          <summary aria-label={t('reactions.add')} title={t('reactions.add')}>
            <Icon name="smile" />+
          </summary>
          <div class="reaction-menu" role="group" aria-label={t('reactions.add')}>
            {OFFERED_REACTIONS.map((emoji) => (
              <button
                key={emoji}
                type="button"
                class="reaction-option"
                aria-label={t('reactions.reactWith', { emoji })}
                onClick={() => {
                  onToggle(emoji)
                  if (picker.current) picker.current.open = false
                }}
              >
                {emoji}
              </button>
            ))}
          </div>
        </details>
      )}
    </div>
  )
}
