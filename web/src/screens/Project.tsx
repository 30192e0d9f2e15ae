import type { JSX } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { projects as projectsApi } from '../api'
import { Loading, useLoad } from '../components/ui'
import { t } from '../i18n'
import { ProjectSocket, SocketContext, useEvent, useSocketStatus } from '../lib/events'
import { Link } from '../lib/router'
import { ProjectLiveContext, useProjectLiveState } from '../lib/projectLive'
import { sessionExpired } from '../lib/session'
import { ConsentBanner, MuteBanner } from '../components/live'
import type { Project, User } from '../types'
import { BoardsView } from './Boards'
import { ChatView } from './Chat'
import { Desk } from './Desk'
import { Members } from './Members'
import { PagesView } from './Pages'
import { SessionsView } from './Sessions'
import { SearchView } from '../features/search'

export const TEACHER_ROLES = new Set(['founder', 'teacher_admin', 'teacher'])

export function isTeacherIn(project: Project | undefined): boolean {
  return !!project?.my_role && TEACHER_ROLES.has(project.my_role)
}

export function ConnectionState({ socket }: { socket: ProjectSocket | null }): JSX.Element {
  const status = useSocketStatus(socket)
  const [online, setOnline] = useState(navigator.onLine)
  useEffect(() => {
    const update = (): void => setOnline(navigator.onLine)
    window.addEventListener('online', update)
    window.addEventListener('offline', update)
    return () => {
      window.removeEventListener('online', update)
      window.removeEventListener('offline', update)
    }
  }, [])
  const live = online && status === 'online'
  return (
    <span class={`conn ${live ? 'conn-online' : 'conn-offline'}`} role="status" data-testid="connection" data-state={live ? 'online' : 'offline'}>
      <span class="dot" aria-hidden="true" />
      {live ? t('status.online') : status === 'connecting' && online ? t('status.connecting') : t('status.offline')}
    </span>
  )
}

interface Props {
  user: User
  projectId: number
  section: string
  item: string | undefined
}

export function ProjectView({ user, projectId, section, item }: Props): JSX.Element {
  const project = useLoad(() => projectsApi.get(projectId), [projectId])
  const [socket, setSocket] = useState<ProjectSocket | null>(null)

  useEffect(() => {
    const next = new ProjectSocket(projectId)
    next.onUnauthenticated = sessionExpired
    setSocket(next)
    return () => next.close()
  }, [projectId])

  const live = useProjectLiveState(project.data, socket)

  useEvent(socket, 'project.state', () => project.reload())
  // 4403/4404: no longer a member (or the project is gone): the reload shows why
  useEvent(socket, 'closed', () => project.reload())

  if (!project.data) {
    return (
      <div class="page">
        <Loading data={project} />
      </div>
    )
  }
  const p = project.data
  const teacher = isTeacherIn(p)
  const base = `/projects/${projectId}`
  const tabs: [string, string][] = [
    ['pages', t('project.pages')],
    ['chat', t('project.chat')],
    ['boards', t('project.boards')],
    ['sessions', t('project.sessions')],
    ['members', t('project.members')],
    ['search', t('project.search')],
  ]
  if (teacher) tabs.push(['desk', t('project.desk')])
  const itemId = item ? Number(item) : undefined

  return (
    <SocketContext.Provider value={socket}>
      <ProjectLiveContext.Provider value={live}>
      <div class="project">
        <div class="project-head">
          <h1>{p.title}</h1>
          <ConnectionState socket={socket} />
          {p.state !== 'active' && <span class="chip chip-warn">{t(`state.${p.state}`)}</span>}
        </div>
        <nav class="tabs" aria-label={t('project.sections')}>
          <ul>
            {tabs.map(([key, label]) => (
              <li key={key}>
                <Link href={`${base}/${key}`} aria-current={section === key ? 'page' : undefined} class={section === key ? 'active' : ''}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <ConsentBanner />
        <MuteBanner />
        <div class="project-body">
          {section === 'pages' && <PagesView user={user} project={p} pageId={itemId} />}
          {section === 'chat' && <ChatView user={user} project={p} channelId={itemId} />}
          {section === 'boards' && <BoardsView user={user} project={p} boardId={itemId} />}
          {section === 'members' && <Members user={user} project={p} />}
          {section === 'search' && <SearchView projectId={projectId} />}
          {section === 'sessions' && <SessionsView user={user} project={p} sessionId={itemId} />}
          {section === 'desk' && teacher && <Desk user={user} project={p} tab={item ?? 'queue'} />}
        </div>
      </div>
      </ProjectLiveContext.Provider>
    </SocketContext.Provider>
  )
}
