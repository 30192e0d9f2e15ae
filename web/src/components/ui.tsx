// Small accessible building blocks: fields with labels, dialogs, toasts and a live region.
import type { ComponentChildren, JSX, TargetedEvent } from 'preact'
import { Icon } from './Icon'
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks'
import { ApiError } from '../api'
import { formatWhen, language, problemMessage, t } from '../i18n'
import { Store, useStore } from '../lib/store'

// ---- toasts and screen-reader announcements

interface Toast {
  id: number
  text: string
  kind: 'info' | 'error'
}

const toasts = new Store<Toast[]>([])
let nextToast = 1

export function notify(text: string, kind: Toast['kind'] = 'info'): void {
  const toast = { id: nextToast++, text, kind }
  toasts.set([...toasts.get(), toast])
  window.setTimeout(() => toasts.set(toasts.get().filter((item) => item.id !== toast.id)), kind === 'error' ? 8000 : 4000)
}

/** The problem's type without its path: `/problems/muted` → `muted`. */
export function problemType(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null
  const type = error.problem.type
  return typeof type === 'string' ? (type.split('/').pop() ?? null) : null
}

/** Refusals a pupil meets while writing, in simple words, with end times in the viewer's zone. */
function refusalText(error: ApiError): string | null {
  const problem = error.problem
  const until = typeof problem.until === 'string' ? formatWhen(problem.until) : null
  switch (problemType(error)) {
    case 'muted':
      return (
        (until ? t('problem.muted', { when: until }) : t('problem.mutedNoEnd')) +
        (problem.reason ? ` ${t('problem.reasonWas', { reason: String(problem.reason) })}` : '')
      )
    case 'quiet-hours':
      return until ? t('problem.quietHours', { when: until }) : t('problem.quietHoursNoEnd')
    case 'session-not-live':
      return t('problem.sessionNotLive')
    case 'session-not-joined':
      return t('problem.sessionNotJoined')
    case 'session-read-only':
      return t('problem.sessionReadOnly')
    case 'consent-required':
      return t('consent.block')
    case 'invalid-code':
      return t('problem.invalidCode')
    case 'wrong-class':
      return t('problem.wrongClass')
    default:
      break
  }
  if (error.status === 429) {
    const seconds = error.retryAfter ?? 5
    if (problem.rule === 'slow-mode') return t('problem.slowMode', { seconds })
    if (problem.rule === 'join-attempts') return t('problem.joinAttempts', { seconds })
    // a precise code's message with the wait from Retry-After (`{seconds}`)
    const code = typeof problem.code === 'string' ? problem.code : null
    return (code && problemMessage(code, { ...problem, seconds })) || t('error.slowDown', { seconds })
  }
  return null
}

/** Codes of a whole class of refusals: their message is general, so an English reader gets the
 * server's more precise `detail` instead. */
const GENERAL_CODES = new Set(['bad-request', 'conflict', 'rule-violation', 'forbidden', 'not-found', 'gone', 'unavailable', 'validation-error'])

/** The problem's own message from its stable code and values (docs/i18n.md). */
function codedText(error: ApiError): string | null {
  const code = typeof error.problem.code === 'string' ? error.problem.code : problemType(error)
  if (!code) return null
  if (GENERAL_CODES.has(code) && language() === 'en' && error.problem.detail) return String(error.problem.detail)
  return problemMessage(code, error.problem)
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const refusal = refusalText(error)
    if (refusal) return refusal
    if (error.status === 0) return t('error.network')
    const coded = codedText(error)
    if (coded) return coded
    if (error.status === 403) return error.problem.detail ? String(error.problem.detail) : t('error.forbidden')
    if (error.status === 404) return t('error.notFound')
    if (error.status === 409) return error.problem.detail ? String(error.problem.detail) : t('error.generic')
    if (error.status === 413) return t('error.tooLarge')
    if (error.status === 415) return t('error.fileType')
    return error.message || t('error.generic')
  }
  if (error instanceof DOMException && error.name === 'AbortError') return t('error.cancelled')
  return t('error.generic')
}

export function notifyError(error: unknown): void {
  notify(errorText(error), 'error')
}

export function Toasts(): JSX.Element {
  const list = useStore(toasts)
  return (
    <div class="toasts" role="status" aria-live="polite">
      {list.map((toast) => (
        <p key={toast.id} class={`toast toast-${toast.kind}`}>
          {toast.text}
        </p>
      ))}
    </div>
  )
}

// ---- data loading

export interface Loaded<T> {
  data: T | undefined
  error: unknown
  loading: boolean
  reload: () => void
  set: (value: T) => void
  /** Functional update of loaded data (safe when several events arrive before a render). */
  patch: (change: (value: T) => T) => void
}

/** Run `load` on mount and whenever `deps` change; the latest call wins. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined)
  const [error, setError] = useState<unknown>(null)
  const [loading, setLoading] = useState(true)
  const [tick, setTick] = useState(0)
  const generation = useRef(0)
  // A live change that lands while a load is in flight may be older than the
  // load's answer or newer: the answer cannot say which. Replaying the change
  // on top is not safe (a count would go up twice), so load once more instead.
  const inFlight = useRef(false)
  const changedMeanwhile = useRef(false)
  useEffect(() => {
    const mine = ++generation.current
    inFlight.current = true
    changedMeanwhile.current = false
    setLoading(true)
    load().then(
      (value) => {
        if (mine !== generation.current) return
        inFlight.current = false
        setData(value)
        setError(null)
        setLoading(false)
        if (changedMeanwhile.current) setTick((n) => n + 1)
      },
      (failure: unknown) => {
        if (mine !== generation.current) return
        inFlight.current = false
        setError(failure)
        setLoading(false)
      },
    )
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick])
  const reload = useCallback(() => setTick((n) => n + 1), [])
  const noteChange = (): void => {
    if (inFlight.current) changedMeanwhile.current = true
  }
  const set = useCallback((value: T | undefined) => {
    noteChange()
    setData(value)
  }, [])
  const patch = useCallback((change: (value: T) => T) => {
    noteChange()
    setData((prev) => (prev === undefined ? prev : change(prev)))
  }, [])
  return { data, error, loading, reload, set, patch }
}

export function Loading<T>({ data }: { data: Loaded<T> }): JSX.Element | null {
  if (data.error) {
    return (
      <div class="error-box" role="alert">
        <p>{errorText(data.error)}</p>
        <button type="button" class="btn" onClick={data.reload}>
          {t('action.retry')}
        </button>
      </div>
    )
  }
  if (data.loading && data.data === undefined) return <p class="muted" aria-busy="true">{t('status.loading')}</p>
  return null
}

// ---- form fields: every control has a visible label

interface InputProps {
  label: string
  hint?: string
  value?: string | number
  onValue?: (value: string) => void
  id?: string
  type?: 'text' | 'email' | 'password' | 'number' | 'url' | 'search' | 'tel' | 'date'
  max?: number | string
  required?: boolean
  disabled?: boolean
  maxLength?: number
  minLength?: number
  min?: number
  placeholder?: string
  autocomplete?: string
  inputMode?: 'text' | 'url' | 'email' | 'numeric' | 'search' | 'tel' | 'decimal' | 'none'
}

export function Field({ label, hint, onValue, id, ...rest }: InputProps): JSX.Element {
  const auto = useId()
  const inputId = id ?? `f-${auto}`
  const hintId = hint ? `${inputId}-hint` : undefined
  return (
    <div class="field">
      <label for={inputId}>{label}</label>
      <input
        id={inputId}
        aria-describedby={hintId}
        onInput={(event: TargetedEvent<HTMLInputElement>) => onValue?.(event.currentTarget.value)}
        {...(rest as Record<string, unknown>)}
      />
      {hint && (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  )
}

interface AreaProps {
  label: string
  value?: string
  onValue?: (value: string) => void
  id?: string
  rows?: number
  required?: boolean
  maxLength?: number
  placeholder?: string
}

export function AreaField({ label, onValue, id, ...rest }: AreaProps): JSX.Element {
  const auto = useId()
  const inputId = id ?? `a-${auto}`
  return (
    <div class="field">
      <label for={inputId}>{label}</label>
      <textarea
        id={inputId}
        onInput={(event: TargetedEvent<HTMLTextAreaElement>) => onValue?.(event.currentTarget.value)}
        {...rest}
      />
    </div>
  )
}

interface SelectProps {
  label: string
  value: string
  onValue: (value: string) => void
  options: readonly { value: string; label: string }[]
  id?: string
  disabled?: boolean
}

export function SelectField({ label, value, onValue, options, id, disabled }: SelectProps): JSX.Element {
  const auto = useId()
  const inputId = id ?? `s-${auto}`
  return (
    <div class="field">
      <label for={inputId}>{label}</label>
      <select
        id={inputId}
        value={value}
        disabled={disabled}
        onChange={(event: TargetedEvent<HTMLSelectElement>) => onValue(event.currentTarget.value)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  )
}

// ---- dialogs: native <dialog> (focus moves in, Escape closes, focus returns)

interface DialogProps {
  open: boolean
  title: string
  onClose: () => void
  children: ComponentChildren
  wide?: boolean
}

const FIRST_FIELD = '.dialog-body :is(input, select, textarea):not([disabled]):not([type=hidden])'

/** Focus the dialog's first field, or the first one that arrives with loaded data (unless the
 *  user has moved on by then); returns the stop of that wait. */
function focusFirstField(dialog: HTMLDialogElement): () => void {
  const field = dialog.querySelector<HTMLElement>(FIRST_FIELD)
  if (field) {
    field.focus()
    return () => undefined
  }
  const focusedAtOpen = document.activeElement
  const observer = new MutationObserver(() => {
    const arrived = dialog.querySelector<HTMLElement>(FIRST_FIELD)
    if (!arrived) return
    observer.disconnect()
    if (document.activeElement === focusedAtOpen || document.activeElement === dialog) arrived.focus()
  })
  observer.observe(dialog, { childList: true, subtree: true })
  return () => observer.disconnect()
}

export function Dialog({ open, title, onClose, children, wide }: DialogProps): JSX.Element {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  // the element that had focus when the dialog opened: it gets focus back when the dialog
  // closes or, for a dialog its screen unmounts, goes away (the browser only does the former)
  const opener = useRef<HTMLElement | null>(null)
  const unmounting = useRef(false)
  const stopWaiting = useRef<() => void>(() => undefined)

  function giveFocusBack(): void {
    stopWaiting.current()
    const element = opener.current
    opener.current = null
    if (element?.isConnected) element.focus()
  }

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (open && !dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null
      dialog.showModal()
      // open on the first field, not the close button
      stopWaiting.current = focusFirstField(dialog)
    }
    if (!open && dialog.open) {
      dialog.close()
      giveFocusBack()
    }
  }, [open])

  useEffect(
    () => () => {
      const dialog = ref.current
      unmounting.current = true
      if (dialog?.open) dialog.close() // leave the modal state first: the opener is inert until then
      giveFocusBack()
    },
    [],
  )

  return (
    <dialog
      ref={ref}
      class={wide ? 'dialog dialog-wide' : 'dialog'}
      aria-labelledby={titleId}
      onClose={() => {
        if (!unmounting.current) onClose()
      }}
      onCancel={(event: Event) => {
        event.preventDefault()
        onClose()
      }}
    >
      {open && (
        <>
          <div class="dialog-head">
            <h2 id={titleId}>{title}</h2>
            <button type="button" class="btn btn-quiet" onClick={onClose} aria-label={t('action.close')}>
              <Icon name="close" />
            </button>
          </div>
          <div class="dialog-body">{children}</div>
        </>
      )}
    </dialog>
  )
}

export function StatusBadge({ status, pending, reason }: { status: string; pending?: boolean; reason?: string | null }): JSX.Element | null {
  if (status === 'published' && !pending) return null
  const label =
    pending || status === 'held'
      ? t('status.pending')
      : status === 'blocked'
        ? t('status.blocked')
        : status === 'hidden'
          ? t('status.hidden')
          : status === 'rejected'
            ? t('status.rejected')
            : status === 'deleted'
              ? t('status.deleted')
              : status
  return (
    <span class={`badge badge-${pending ? 'held' : status}`} data-status={pending ? 'held' : status}>
      {label}
      {reason ? <span class="badge-reason"> — {reason}</span> : null}
    </span>
  )
}

export function colourFor(id: number): string {
  // dark enough for white text (≥ 4.5:1)
  const palette = ['#b3261e', '#1b5e20', '#0d47a1', '#6a1b9a', '#8d4a00', '#00695c', '#ad1457', '#37474f', '#4527a0', '#2e7d32']
  return palette[Math.abs(id) % palette.length] ?? '#37474f'
}

export function Avatar({ name, id }: { name: string; id: number }): JSX.Element {
  return (
    <span class="avatar" style={{ backgroundColor: colourFor(id) }} aria-hidden="true">
      {(name.trim()[0] ?? '?').toUpperCase()}
    </span>
  )
}

export function Empty({ children }: { children: ComponentChildren }): JSX.Element {
  return <p class="empty muted">{children}</p>
}

/** Only http(s) links leave the app; anything else (javascript:, data:) is not linked. */
export function safeHref(url: string | null | undefined): string | undefined {
  if (!url) return undefined
  try {
    const parsed = new URL(url, location.origin)
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined
  } catch {
    return undefined
  }
}
