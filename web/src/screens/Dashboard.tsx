import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { labels as labelsApi, liveSessions, projects as projectsApi, registry, training as trainingApi } from '../api'
import { Empty, Loading, notifyError, useLoad } from '../components/ui'
import { FoundProjectDialog } from '../features/projects/FoundProject'
import { formatDateTime, formatRelative, t, tn } from '../i18n'
import { stateNow } from '../lib/projectLive'
import { Link, navigate } from '../lib/router'
import type { HistoryEntry, LiveSession, Project, User } from '../types'
import { StateBadge, sessionWhen } from './Sessions'

interface ProjectCard {
  project: Project
  unread: number | null
}

async function loadProjects(): Promise<ProjectCard[]> {
  const list = await projectsApi.mine()
  return Promise.all(
    list.map(async (project) => {
      try {
        return { project, unread: (await projectsApi.unread(project.id)).total }
      } catch {
        return { project, unread: null }
      }
    }),
  )
}

/** Upcoming and live sessions of all the user's TwinSpaces, soonest first. */
async function loadLive(list: Project[]): Promise<(LiveSession & { projectTitle: string })[]> {
  const all = await Promise.all(
    list
      .filter((project) => project.state !== 'closed')
      .map(async (project) => {
        const sessions = await liveSessions.list(project.id).catch(() => null)
        return (sessions?.upcoming ?? []).map((s) => ({ ...s, projectTitle: project.title }))
      }),
  )
  return all
    .flat()
    .filter((s) => stateNow(s) !== 'ended')
    .sort((a, b) => a.starts_at.utc.localeCompare(b.starts_at.utc))
}

function upcomingTraining(entries: HistoryEntry[]): HistoryEntry[] {
  const now = Date.now()
  return entries
    .filter((entry) => entry.status !== 'cancelled' && new Date(entry.event.ends_at).getTime() > now)
    .sort((a, b) => a.event.starts_at.localeCompare(b.event.starts_at))
}

export function Dashboard({ user }: { user: User }): JSX.Element {
  const cards = useLoad(loadProjects, [])
  const invitations = useLoad(() => (user.kind === 'teacher' ? projectsApi.invitations() : Promise.resolve([])), [user.id])
  const mine = useLoad(() => (user.kind === 'teacher' ? trainingApi.mine() : Promise.resolve([])), [user.id])
  const live = useLoad(() => (cards.data ? loadLive(cards.data.map((c) => c.project)) : Promise.resolve([])), [cards.data])
  const pupil = user.kind === 'pupil'
  const [founding, setFounding] = useState(false)
  const mayFound = user.kind === 'teacher' && user.teacher?.status === 'validated'
  const staff = user.kind === 'nso' || user.kind === 'admin'
  const work = useLoad(
    async () =>
      staff
        ? { registrations: (await registry.registrations('pending')).length, applications: (await labelsApi.applications('submitted')).length }
        : null,
    [user.id],
  )

  async function answer(id: number, accept: boolean): Promise<void> {
    try {
      if (accept) {
        const project = await projectsApi.accept(id)
        navigate(`/projects/${project.id}`)
      } else {
        await projectsApi.decline(id)
      }
      invitations.reload()
      cards.reload()
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <div class="page dashboard">
      <h1>{t('dashboard.hello', { name: user.display_name })}</h1>
      {user.kind === 'teacher' && user.teacher?.status === 'pending' && (
        <p class="notice" role="status">
          {t('dashboard.pendingValidation')}
        </p>
      )}
      {staff && work.data && (
        <section aria-labelledby="to-do">
          <h2 id="to-do">{t('dashboard.toDo')}</h2>
          <ul class="cards">
            <li class="card">
              <h3>
                <Link href="/nso/registrations">{t('nso.registrations')}</Link>
              </h3>
              <p class="big-number">{work.data.registrations}</p>
              <p class="muted">{t('dashboard.waitingForYou')}</p>
            </li>
            <li class="card">
              <h3>
                <Link href="/nso/labels">{t('nso.labelReviews')}</Link>
              </h3>
              <p class="big-number">{work.data.applications}</p>
              <p class="muted">{t('dashboard.waitingForYou')}</p>
            </li>
          </ul>
        </section>
      )}
      {!staff && (
      <section aria-labelledby="my-projects">
        <h2 id="my-projects">{pupil ? t('nav.myProjects') : t('dashboard.myProjects')}</h2>
        {mayFound && (
          <button type="button" class="btn btn-primary" onClick={() => setFounding(true)}>
            {t('found.start')}
          </button>
        )}
        {founding && <FoundProjectDialog user={user} onClose={() => setFounding(false)} />}
        <Loading data={cards} />
        {cards.data && cards.data.length === 0 && <Empty>{t('dashboard.noProjects')}</Empty>}
        <ul class="cards">
          {cards.data?.map(({ project, unread }) => (
            <li key={project.id} class="card project-card">
              <h3>
                <Link href={`/projects/${project.id}`}>{project.title}</Link>
              </h3>
              {!pupil && <p class="muted">{project.description}</p>}
              <p class="meta">
                {project.my_role && <span class="chip">{t(`role.${project.my_role}`)}</span>}
                {project.state !== 'active' && <span class="chip chip-warn">{t(`state.${project.state}`)}</span>}
                {unread !== null && unread > 0 && (
                  <Link href={`/projects/${project.id}/chat`} class="chip chip-accent" data-testid="unread">
                    {tn('dashboard.unread', unread)}
                  </Link>
                )}
              </p>
            </li>
          ))}
        </ul>
      </section>
      )}

      {!staff && (
        <section aria-labelledby="live-sessions" data-testid="dashboard-sessions">
          <h2 id="live-sessions">{t('dashboard.liveSessions')}</h2>
          <Loading data={live} />
          {cards.data && live.data && !live.loading && live.data.length === 0 && <Empty>{t('session.noneUpcoming')}</Empty>}
          <ul class="list">
            {live.data?.map((s) => (
              <li key={s.id} class="session-row">
                <Link href={`/projects/${s.project_id}/sessions/${s.id}`}>{s.title}</Link> <StateBadge state={stateNow(s)} />
                <span class="muted"> · {s.projectTitle}</span> ·{' '}
                <time dateTime={s.starts_at.utc} title={formatDateTime(s.starts_at.utc)}>
                  {sessionWhen(s)}
                </time>{' '}
                {stateNow(s) === 'scheduled' && <span class="muted">({formatRelative(s.starts_at.utc)})</span>}
              </li>
            ))}
          </ul>
        </section>
      )}

      {user.kind === 'teacher' && (
        <>
          {invitations.data && invitations.data.length > 0 && (
            <section aria-labelledby="invitations">
              <h2 id="invitations">{t('dashboard.invitations')}</h2>
              <ul class="list">
                {invitations.data.map((inv) => (
                  <li key={inv.id} class="row">
                    <span>
                      {t('dashboard.invitedAs', { role: t(`role.${inv.role}`) })}
                      {inv.message && <q class="muted"> {inv.message}</q>}
                    </span>
                    <span class="actions">
                      <button type="button" class="btn btn-primary" onClick={() => void answer(inv.id, true)}>
                        {t('action.accept')}
                      </button>
                      <button type="button" class="btn" onClick={() => void answer(inv.id, false)}>
                        {t('action.decline')}
                      </button>
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section aria-labelledby="my-training">
            <h2 id="my-training">{t('dashboard.upcomingTraining')}</h2>
            <Loading data={mine} />
            {mine.data && upcomingTraining(mine.data).length === 0 && (
              <Empty>
                {t('dashboard.noTraining')} <Link href="/training">{t('dashboard.browseTraining')}</Link>
              </Empty>
            )}
            <ul class="list">
              {mine.data &&
                upcomingTraining(mine.data).map((entry) => (
                  <li key={entry.event_id}>
                    <strong>{entry.event.title}</strong> · <time dateTime={entry.event.starts_at}>{formatDateTime(entry.event.starts_at)}</time>{' '}
                    <span class="chip">{t(`seat.${entry.status}`)}</span>
                  </li>
                ))}
            </ul>
          </section>
        </>
      )}
    </div>
  )
}
