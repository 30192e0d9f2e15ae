// The signed-in user: loaded from GET /session (cookie), kept with its CSRF token in memory.
import { ApiError, session as sessionApi, setCsrf } from '../api'
import { forgetLanguageChoice, hasSavedLanguage, isLang, language, setLanguage, setSimpleWords, signInChoice, signInLanguage } from '../i18n'
import type { User } from '../types'
import { Store } from './store'

export const currentUser = new Store<User | null | undefined>(undefined)

function adopt(user: User, csrf: string, fromSignIn: boolean): void {
  setCsrf(csrf)
  setSimpleWords(user.kind === 'pupil')
  document.body.classList.toggle('layout-pupil', user.kind === 'pupil')
  document.body.classList.toggle('layout-staff', user.kind !== 'pupil')
  // After sign-in the language chosen in the client wins: one picked on this sign-in screen
  // (it becomes the profile's), else the profile's, else this device's or the browser's.
  const picked = fromSignIn ? signInChoice() : null
  const saved = user.locale?.split('-')[0]
  if (picked) {
    setLanguage(picked)
    if (picked !== saved) void sessionApi.updateMe({ locale: picked }).catch(() => undefined)
  } else if (isLang(saved) && (fromSignIn || !hasSavedLanguage())) setLanguage(saved)
  else if (!saved) void sessionApi.updateMe({ locale: language() }).catch(() => undefined)
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
