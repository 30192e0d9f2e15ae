import type { JSX } from 'preact'
import { Icon } from './components/Icon'
import { useEffect, useRef, useState } from 'preact/hooks'
import { whenUnauthenticated } from './api'
import { Toasts } from './components/ui'
import { LanguageSwitcher } from './components/LanguageSwitcher'
import { language, onLanguageChange, t } from './i18n'
import { Link, match, navigate, usePath } from './lib/router'
import { Bell, NotificationsScreen } from './features/notifications'
import { currentUser, loadSession, sessionExpired, signOut } from './lib/session'
import { useStore } from './lib/store'
import { Account } from './screens/Account'
import { Dashboard } from './screens/Dashboard'
import { LabelsScreen } from './screens/Labels'
import { NsoLabels, NsoRegistrations } from './screens/Nso'
import { Partners } from './screens/Partners'
import { ProjectView } from './screens/Project'
import { PupilAccounts } from './screens/Pupils'
import { Register } from './screens/Register'
import { SignIn } from './screens/SignIn'
import { TrainingScreen } from './screens/Training'
import { CalendarScreen } from './features/calendar'
import { Unsubscribe } from './screens/Unsubscribe'
import type { User } from './types'

function MainNav({ user }: { user: User }): JSX.Element {
  const links: [string, string][] = [['/', user.kind === 'pupil' ? t('nav.myProjects') : t('nav.dashboard')]]
  if (user.kind === 'teacher') {
    links.push(['/pupils', t('nav.pupils')], ['/partners', t('nav.partners')], ['/training', t('nav.training')], ['/labels', t('nav.labels')])
  }
  if (user.kind === 'nso' || user.kind === 'admin') {
    links.push(['/nso/registrations', t('nav.registrations')], ['/nso/labels', t('nav.labelReviews')], ['/training', t('nav.training')])
  }
  links.push(['/calendar', t('nav.calendar')], ['/account', t('nav.account')])
  return (
    <nav class="main-nav" aria-label={t('nav.main')}>
      <ul>
        {links.map(([href, label]) => (
          <li key={href}>
            <Link href={href}>{label}</Link>
          </li>
        ))}
      </ul>
    </nav>
  )
}

function Shell({ user, children }: { user: User; children: JSX.Element }): JSX.Element {
  return (
    <>
      <a class="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header class="topbar">
        <Link href="/" class="brand">
          <Icon name="globe" size={22} /> TwinSpaces
        </Link>
        <MainNav user={user} />
        <div class="topbar-end">
          <Bell userId={user.id} />
          <LanguageSwitcher compact />
          <span class="whoami" data-testid="whoami">
            {user.display_name}
            <span class="muted"> · {t(`kind.${user.kind}`)}</span>
          </span>
          <button
            type="button"
            class="btn btn-quiet"
            onClick={() => {
              void signOut().then(() => navigate('/signin'))
            }}
          >
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  )
}

function Routes({ user, path }: { user: User; path: string }): JSX.Element {
  const params = match('/projects/:id/:section?/:item?', path)
  if (params) {
    return <ProjectView user={user} projectId={Number(params.id)} section={params.section ?? 'pages'} item={params.item} />
  }
  if (match('/account', path)) return <Account user={user} />
  if (match('/notifications', path)) return <NotificationsScreen />
  if (match('/pupils', path)) return <PupilAccounts user={user} />
  if (match('/partners', path)) return <Partners user={user} />
  if (match('/training', path)) return <TrainingScreen user={user} />
  if (match('/calendar', path)) return <CalendarScreen user={user} />
  if (match('/labels', path)) return <LabelsScreen user={user} />
  if (match('/nso/registrations', path)) return <NsoRegistrations user={user} />
  if (match('/nso/labels', path)) return <NsoLabels user={user} />
  return <Dashboard user={user} />
}

/** Where to go after signing in: `?next=` when it is a local path, else the dashboard. */
function nextAfterSignIn(): string {
  const next = new URLSearchParams(location.search).get('next')
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/signin') ? next : '/'
}

export function App(): JSX.Element {
  const user = useStore(currentUser)
  const path = usePath()
  const [, setLang] = useState(language())
  const mainRef = useRef(path)

  useEffect(() => onLanguageChange(() => setLang(language())), [])
  useEffect(() => {
    whenUnauthenticated(sessionExpired)
    loadSession().catch(() => currentUser.set(null))
  }, [])
  useEffect(() => {
    // move focus to the new screen's content for keyboard and screen-reader users
    if (mainRef.current !== path) {
      mainRef.current = path
      document.getElementById('main')?.focus({ preventScroll: true })
    }
  }, [path])

  useEffect(() => {
    // read the live location: a render's `path` may already be stale here
    const here = location.pathname
    if (here === '/unsubscribe') return
    if (user === null && here !== '/signin' && here !== '/register') navigate(`/signin?next=${encodeURIComponent(here + location.search)}`, true)
    if (user && (here === '/signin' || here === '/register')) navigate(nextAfterSignIn(), true)
  }, [user, path])

  if (path === '/unsubscribe') {
    return <Unsubscribe />
  }
  if (user === undefined) {
    return (
      <p class="boot muted" aria-busy="true">
        {t('status.loading')}
      </p>
    )
  }
  if (user === null) {
    return (
      <>
        {path === '/register' ? <Register /> : <SignIn />}
        <Toasts />
      </>
    )
  }
  return (
    <>
      <Shell user={user}>
        <Routes user={user} path={path} />
      </Shell>
      <Toasts />
    </>
  )
}
