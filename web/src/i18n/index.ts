// Interface languages: typed message catalogues, a tiny t(), plural forms through
// Intl.PluralRules, and dates/times in the user's locale and time zone through Intl.
// Every catalogue is typed `Catalogue`, so the build fails when one lacks a key of `en`, and the
// codes the server sends (web/src/api/problem-codes.ts, generated) must each have a message.
import type { FindingCategory, ProblemCode, ReasonHead } from '../api/problem-codes'
import { cs, csPupil } from './cs'
import { de, dePupil } from './de'
import { el, elPupil } from './el'
import { en, enPupil } from './en'
import { es, esPupil } from './es'
import { fi, fiPupil } from './fi'
import { fr, frPupil } from './fr'
import { hu, huPupil } from './hu'
import { it, itPupil } from './it'
import { nl, nlPupil } from './nl'
import { pl, plPupil } from './pl'
import { pt, ptPupil } from './pt'
import { ro, roPupil } from './ro'
import { sv, svPupil } from './sv'
import { tr, trPupil } from './tr'
import { uk, ukPupil } from './uk'

export type Key = keyof typeof en
export type Catalogue = { [K in Key]: string } & { [extra: string]: string }
type PluralBase = Key extends infer K ? (K extends `${infer B}_other` ? B : never) : never

/** Fails the build (naming the missing keys) when a server code has no message. */
type ServerKey = `problem.code.${ProblemCode}` | `reason.${ReasonHead}` | `category.${FindingCategory}`
type MissingServerKeys = Exclude<ServerKey, Key>
export const EVERY_SERVER_CODE_HAS_A_MESSAGE: [MissingServerKeys] extends [never] ? true : MissingServerKeys = true

export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'cs', name: 'Čeština' },
  { code: 'de', name: 'Deutsch' },
  { code: 'el', name: 'Ελληνικά' },
  { code: 'es', name: 'Español' },
  { code: 'fr', name: 'Français' },
  { code: 'it', name: 'Italiano' },
  { code: 'hu', name: 'Magyar' },
  { code: 'nl', name: 'Nederlands' },
  { code: 'pl', name: 'Polski' },
  { code: 'pt', name: 'Português' },
  { code: 'ro', name: 'Română' },
  { code: 'fi', name: 'Suomi' },
  { code: 'sv', name: 'Svenska' },
  { code: 'tr', name: 'Türkçe' },
  { code: 'uk', name: 'Українська' },
] as const
export type Lang = (typeof LANGUAGES)[number]['code']
const CATALOGUES: Record<Lang, { main: Catalogue; pupil: Partial<Catalogue> }> = {
  en: { main: en, pupil: enPupil },
  cs: { main: cs, pupil: csPupil },
  de: { main: de, pupil: dePupil },
  el: { main: el, pupil: elPupil },
  es: { main: es, pupil: esPupil },
  fi: { main: fi, pupil: fiPupil },
  fr: { main: fr, pupil: frPupil },
  hu: { main: hu, pupil: huPupil },
  it: { main: it, pupil: itPupil },
  nl: { main: nl, pupil: nlPupil },
  pl: { main: pl, pupil: plPupil },
  pt: { main: pt, pupil: ptPupil },
  ro: { main: ro, pupil: roPupil },
  sv: { main: sv, pupil: svPupil },
  tr: { main: tr, pupil: trPupil },
  uk: { main: uk, pupil: ukPupil },
}
/** A choice made on this device while signed in (the profile keeps it too). */
const STORAGE_KEY = 'twinspace.lang'
/** A choice made on the sign-in screen of this tab, before anyone is signed in. */
const SIGN_IN_KEY = 'twinspace.lang.signin'

let current: Lang = detectLanguage()
let simpleWords = false
const listeners = new Set<() => void>()

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && value in CATALOGUES
}

function stored(storage: () => Storage, key: string): Lang | null {
  try {
    const value = storage().getItem(key)
    return isLang(value) ? value : null
  } catch {
    return null // storage disabled
  }
}

/** Writes to storage that may be disabled: then the choice lasts for this page only. */
function keep(write: () => void): void {
  try {
    write()
  } catch {
    // storage disabled
  }
}

// A language picked while signed in stays marked unsaved on this device until the server has
// it, so a reload that cut its save short sends it again (lib/session.ts).
const UNSAVED_KEY = 'twinspace.lang.unsaved'

export function unsavedPick(): Lang | null {
  return stored(() => localStorage, UNSAVED_KEY)
}

export function markUnsavedPick(lang: string): void {
  keep(() => localStorage.setItem(UNSAVED_KEY, lang))
}

export function forgetUnsavedPick(): void {
  keep(() => localStorage.removeItem(UNSAVED_KEY))
}

/** The first supported browser language, else English. */
export function browserLanguage(): Lang {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0]
    if (isLang(base)) return base
  }
  return 'en'
}

/** While the session loads: this device's remembered choice, else the browser's language. */
export function detectLanguage(): Lang {
  return stored(() => localStorage, STORAGE_KEY) ?? browserLanguage()
}

/** Before sign-in the browser's language wins (or what was picked on this tab's sign-in screen),
 * never the language of whoever used this device last. */
export function signInLanguage(): Lang {
  return stored(() => sessionStorage, SIGN_IN_KEY) ?? browserLanguage()
}

/** Picked on the sign-in screen of this tab: it becomes the profile's language at sign-in. */
export function signInChoice(): Lang | null {
  return stored(() => sessionStorage, SIGN_IN_KEY)
}

export function hasSavedLanguage(): boolean {
  return stored(() => localStorage, STORAGE_KEY) !== null
}

/** Signed out: forget the device's choice and follow the browser again. */
export function forgetLanguageChoice(): void {
  keep(() => {
    localStorage.removeItem(STORAGE_KEY)
    sessionStorage.removeItem(SIGN_IN_KEY)
  })
}

export function language(): Lang {
  return current
}

/** `remember`: 'device' (signed in), 'sign-in' (this tab's sign-in screen) or nothing. */
export function setLanguage(lang: Lang, remember: 'device' | 'sign-in' | null = 'device'): void {
  if (remember === 'device') keep(() => localStorage.setItem(STORAGE_KEY, lang))
  else if (remember === 'sign-in') keep(() => sessionStorage.setItem(SIGN_IN_KEY, lang))
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
 * `reason_code` ("held.filter:phone,email", "page_scan:email", "reported"); the server's own
 * `reason` (a person's words, or a code this version does not know) otherwise. */
export function reasonText(item: { reason?: string | null; reason_code?: string | null }): string | null {
  const code = item.reason_code
  if (!code) return item.reason ?? null
  const [head = '', list = ''] = code.split(':', 2)
  const what = list.split(',').filter(Boolean).map(categoryName).join(', ')
  return tOr(`reason.${head}`, item.reason ?? head, { what })
}

/** A problem's message from its stable `code` and the values it carries (`max_chars`,
 * `minimum`…), or null for a code this version has no message for. Values are formatted by
 * their name (docs/i18n.md): `*_year` without grouping, `*_bytes` as a file size, `*_at` as a
 * date and time, `country` by its name, a list of words joined. */
export function problemMessage(code: string, values: Record<string, unknown>): string | null {
  const text = lookup(`problem.code.${code}`)
  if (text === `problem.code.${code}`) return null
  const params: Record<string, string | number> = {}
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'number') {
      if (name.endsWith('_bytes')) params[name] = formatBytes(value)
      else params[name] = new Intl.NumberFormat(formatLocale(), { useGrouping: !name.endsWith('_year') }).format(value)
    } else if (name === 'country' && typeof value === 'string') params[name] = countryName(value)
    else if (name.endsWith('_at') && typeof value === 'string' && !Number.isNaN(Date.parse(value))) params[name] = formatDateTime(value)
    else if (typeof value === 'string') params[name] = value
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) params[name] = value.join(', ')
  }
  return fill(text, params)
}

/** A subject tag ("geography") by its catalogue name; unknown tags as written. */
export function subjectName(code: string): string {
  return tOr(`subject.${code.toLowerCase()}`, code)
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

/** The viewer's own time zone id (Europe/Warsaw), for comparisons. */
export function zoneName(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  } catch {
    return 'UTC'
  }
}

/** A time zone as people say it in the interface language ("Central European Time",
 * "Keski-Euroopan aika"); the viewer's own zone without an argument. */
export function zoneLabel(zone: string = zoneName()): string {
  try {
    const parts = new Intl.DateTimeFormat(formatLocale(), { timeZone: zone, timeZoneName: 'longGeneric' }).formatToParts(new Date())
    return parts.find((part) => part.type === 'timeZoneName')?.value ?? zone
  } catch {
    return zone
  }
}

/** A number in the interface language's digits and separators. */
export function formatNumber(value: number): string {
  return new Intl.NumberFormat(formatLocale()).format(value)
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
