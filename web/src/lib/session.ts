// The signed-in user: loaded from GET /session (cookie), kept with its CSRF token in memory.
import { ApiError, session as sessionApi, setCsrf } from '../api'
import {
  forgetLanguageChoice,
  forgetUnsavedPick,
  hasSavedLanguage,
  isLang,
  language,
  markUnsavedPick,
  setLanguage,
  setSimpleWords,
  signInChoice,
  signInLanguage,
  unsavedPick,
} from '../i18n'
import type { User } from '../types'
import { Store } from './store'

export const currentUser = new Store<User | null | undefined>(undefined)

// A language picked while signed in is saved to the profile. Saves go one after another in
// the order they were asked for (the default saved when the session loads must not land after
// a language picked a moment later), and a pick stays marked unsaved on this device until the
// server has it, so a reload that cut its save short sends it again.
let lastLocaleSave: Promise<void> = Promise.resolve()

export function saveLocale(locale: string, onError: (error: unknown) => void = () => undefined, picked = false): void {
  if (picked) markUnsavedPick(locale)
  lastLocaleSave = lastLocaleSave.then(() =>
    sessionApi.updateMe({ locale }).then(() => {
      if (unsavedPick() === locale) forgetUnsavedPick()
    }, onError),
  )
}

function adopt(user: User, csrf: string, fromSignIn: boolean): void {
  setCsrf(csrf)
  setSimpleWords(user.kind === 'pupil')
  document.body.classList.toggle('layout-pupil', user.kind === 'pupil')
  document.body.classList.toggle('layout-staff', user.kind !== 'pupil')
  // After sign-in the language chosen in the client wins: one picked on this sign-in screen
  // (it becomes the profile's), else the profile's, else this device's or the browser's.
  const picked = fromSignIn ? signInChoice() : null
  const saved = user.locale?.split('-')[0]
  if (fromSignIn) forgetUnsavedPick() // another account's pick on this device
  const unsaved = fromSignIn ? null : unsavedPick()
  if (picked) {
    setLanguage(picked)
    if (picked !== saved) saveLocale(picked)
  } else if (isLang(unsaved) && unsaved === language()) {
    if (unsaved !== saved) saveLocale(unsaved, undefined, true) // a pick a reload cut short
  } else if (isLang(saved) && (fromSignIn || !hasSavedLanguage())) setLanguage(saved)
  else if (!saved) saveLocale(language())
  currentUser.set(user)
}

export async function loadSession(): Promise<void> {
  try {
    const current = await sessionApi.current()
    adopt(current.user, current.csrf_token, false)
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrf(null)
      setLanguage(signInLanguage(), null) // before sign-in: the browser's language
      currentUser.set(null)
      return
    }
    throw error
  }
}

export async function signIn(username: string, password: string): Promise<User> {
  const result = await sessionApi.signIn(username, password)
  adopt(result.user, result.csrf_token, true)
  return result.user
}

export async function signOut(): Promise<void> {
  try {
    await sessionApi.signOut()
  } finally {
    setCsrf(null)
    setSimpleWords(false)
    forgetLanguageChoice()
    setLanguage(signInLanguage(), null)
    document.body.classList.remove('layout-pupil', 'layout-staff')
    currentUser.set(null)
  }
}

export function sessionExpired(): void {
  if (currentUser.get()) {
    setCsrf(null)
    currentUser.set(null)
  }
}

export function updateUser(user: User): void {
  currentUser.set(user)
}

export function isTeacherKind(user: User | null | undefined): boolean {
  return user?.kind === 'teacher'
}
