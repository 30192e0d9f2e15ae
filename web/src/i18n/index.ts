// Interface languages: typed message catalogues, a tiny t(), plural forms through
// Intl.PluralRules, and dates/times in the user's locale and time zone through Intl.
import { en, enPupil } from './en'
import { it, itPupil } from './it'
import { pl, plPupil } from './pl'

export type Key = keyof typeof en
export type Catalogue = { [K in Key]: string } & { [extra: string]: string }
type PluralBase = Key extends infer K ? (K extends `${infer B}_other` ? B : never) : never

export type Lang = 'en' | 'pl' | 'it'
export const LANGUAGES: readonly { code: Lang; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'pl', name: 'Polski' },
  { code: 'it', name: 'Italiano' },
]
const CATALOGUES: Record<Lang, { main: Catalogue; pupil: Partial<Catalogue> }> = {
  en: { main: en, pupil: enPupil },
  pl: { main: pl, pupil: plPupil },
  it: { main: it, pupil: itPupil },
}
const STORAGE_KEY = 'twinspace.lang'

let current: Lang = detectLanguage()
let simpleWords = false
const listeners = new Set<() => void>()

export function isLang(value: unknown): value is Lang {
  return value === 'en' || value === 'pl' || value === 'it'
}

/** Remembered choice, else the first supported browser language, else English. */
export function detectLanguage(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (isLang(saved)) return saved
  } catch {
    // storage disabled
  }
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0]
    if (isLang(base)) return base
  }
  return 'en'
}

export function hasSavedLanguage(): boolean {
  try {
    return isLang(localStorage.getItem(STORAGE_KEY))
  } catch {
    return false
  }
}

export function language(): Lang {
  return current
}

export function setLanguage(lang: Lang, remember = true): void {
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, lang)
    } catch {
      // storage disabled: the choice lasts for this page only
    }
  }
  if (lang === current) return
  current = lang
  document.documentElement.lang = lang
  for (const listener of listeners) listener()
}

/** Pupils get the simple-words variants of some messages. */
export function setSimpleWords(on: boolean): void {
  simpleWords = on
}

export function onLanguageChange(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

function lookup(key: string): string {
  const { main, pupil } = CATALOGUES[current]
  if (simpleWords) {
    const simple = (pupil as Record<string, string | undefined>)[key]
    if (simple !== undefined) return simple
  }
  return main[key] ?? (en as Record<string, string>)[key] ?? key
}

function fill(text: string, params?: Record<string, string | number>): string {
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  )
}

export function t(key: Key, params?: Record<string, string | number>): string {
  return fill(lookup(key), params)
}

/** A message whose key is built from server data (a category, an action): unknown ones fall back. */
export function tOr(key: string, fallback: string, params?: Record<string, string | number>): string {
  const text = lookup(key)
  return text === key ? fallback : fill(text, params)
}

/** A moderation finding's category ("phone") in the interface language. */
export function categoryName(category: string): string {
  return tOr(`category.${category}`, category)
}

/** Why moderation held, blocked or masked an item, in the interface language, from its
 * `reason_code` ("held.filter:phone,email"); the server's own `reason` for anything else. */
export function reasonText(item: { reason?: string | null; reason_code?: string | null }): string | null {
  const code = item.reason_code
  if (!code) return item.reason ?? null
  const [head = '', list = ''] = code.split(':', 2)
  const what = list.split(',').filter(Boolean).map(categoryName).join(', ')
  return tOr(`reason.${head}`, item.reason ?? head, { what })
}

/** Plural message: `base_one`, `base_few`, `base_many`, `base_other` by the language's rules. */
export function tn(base: PluralBase, count: number, params?: Record<string, string | number>): string {
  const category = new Intl.PluralRules(current).select(count)
  const { main } = CATALOGUES[current]
  const key = main[`${base}_${category}`] !== undefined ? `${base}_${category}` : `${base}_other`
  return fill(lookup(key), { count: new Intl.NumberFormat(formatLocale()).format(count), ...params })
}

// ---- dates and times: the browser's zone unless a zone is given

/** The browser's own tag for the interface language (en-GB, not en), for Intl formats. */
export function formatLocale(): string {
  for (const tag of navigator.languages ?? [navigator.language]) {
    if (tag.toLowerCase().split('-')[0] === current) return tag
  }
  return current
}

export function formatDateTime(iso: string | Date, zone?: string): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso
  return new Intl.DateTimeFormat(formatLocale(), { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(date)
}

/** A moment soon: the time alone when it is today, else the date and time (viewer's zone). */
export function formatWhen(iso: string | Date, now: Date = new Date()): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso
  const day = (d: Date): string => new Intl.DateTimeFormat('en-CA', { dateStyle: 'short' }).format(d)
  return day(date) === day(now) ? formatTime(date) : formatDateTime(date)
}

/** The viewer's own time zone name, for "times are shown in …". */
export function zoneName(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  } catch {
    return 'UTC'
  }
}

export function formatDate(iso: string | Date): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso
  return new Intl.DateTimeFormat(formatLocale(), { dateStyle: 'long' }).format(date)
}

export function formatTime(iso: string | Date): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso
  return new Intl.DateTimeFormat(formatLocale(), { timeStyle: 'short' }).format(date)
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
]

export function formatRelative(iso: string | Date, now: Date = new Date()): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000)
  const format = new Intl.RelativeTimeFormat(formatLocale(), { numeric: 'auto' })
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit)
  }
  return format.format(0, 'minute')
}

export function formatBytes(bytes: number): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return new Intl.NumberFormat(formatLocale(), {
    style: 'unit',
    unit: units[unit],
    unitDisplay: 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value)
}

export function countryName(code: string | null | undefined): string {
  if (!code) return ''
  try {
    return new Intl.DisplayNames([current], { type: 'region' }).of(code.toUpperCase()) ?? code
  } catch {
    return code
  }
}

export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames([current], { type: 'language' }).of(code) ?? code
  } catch {
    return code
  }
}

document.documentElement.lang = current
