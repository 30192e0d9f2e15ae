import type { JSX, TargetedEvent } from 'preact'
import { Icon } from '../components/Icon'
import { useEffect, useId, useRef, useState } from 'preact/hooks'
import { ApiError, chat as chatApi, projects as projectsApi } from '../api'
import { ItemActions } from '../components/ItemActions'
import { QueuedMessages, enqueue, newClientKey, settle, useChatQueue } from '../features/chat-queue'
import { SpaceBlockNotice } from '../components/live'
import { Reactions } from '../components/Reactions'
import { Avatar, Empty, Loading, StatusBadge, errorText, notify, notifyError, useLoad } from '../components/ui'
import { formatDateTime, formatTime, reasonText, t, tn } from '../i18n'
import { useEvent, useSocket, useSocketStatus } from '../lib/events'
import { noteConsent, noteMute, useProjectLive, useSpaceBlock } from '../lib/projectLive'
import { Link, navigate } from '../lib/router'
import type { Channel, ItemStatus, Message, Project, ReadState, User } from '../types'
import { isTeacherIn } from './Project'

const TYPING_EVERY_MS = 2000
const TYPING_SHOWN_MS = 4000

function upsert(list: Message[], message: Message): Message[] {
  const index = list.findIndex((m) => m.id === message.id)
  if (index === -1) return [...list, message].sort((a, b) => a.id - b.id)
  const copy = list.slice()
  copy[index] = message
  return copy
}

export function ChatView({ user, project, channelId }: { user: User; project: Project; channelId: number | undefined }): JSX.Element {
  const channels = useLoad(() => chatApi.channels(project.id), [project.id])
  const unread = useLoad(
    () => projectsApi.unread(project.id).then((summary) => new Map(summary.channels.map((c) => [c.channel_id, c.unread]))),
    [project.id],
  )
  const socket = useSocket()

  useEffect(() => {
    if (channelId === undefined && channels.data?.[0]) navigate(`/projects/${project.id}/chat/${channels.data[0].id}`, true)
  }, [channelId, channels.data, project.id])

  useEffect(() => {
    if (socket && channels.data) socket.subscribe({ channels: channels.data.map((c) => c.id) })
  }, [socket, channels.data])

  useEvent(socket, 'channel.updated', () => channels.reload())
  useEvent(socket, 'channel.read', (data: ReadState) => {
    unread.patch((counts) => new Map(counts).set(data.channel_id, data.unread))
  })
  useEvent(socket, 'message.created', (message: Message) => {
    if (message.channel_id === channelId || message.parent_id !== null || message.author?.id === user.id) return
    unread.patch((counts) => new Map(counts).set(message.channel_id, (counts.get(message.channel_id) ?? 0) + 1))
  })

  const current = channels.data?.find((c) => c.id === channelId)
  return (
    <div class="split">
      <aside class="sidebar" aria-labelledby="channels-heading">
        <h2 id="channels-heading">{t('chat.channels')}</h2>
        <Loading data={channels} />
        {channels.data && channels.data.length === 0 && <Empty>{t('chat.noChannels')}</Empty>}
        <ul class="nav-list">
          {channels.data?.map((channel) => {
            const count = channel.id === channelId ? 0 : (unread.data?.get(channel.id) ?? 0)
            return (
              <li key={channel.id}>
                <Link href={`/projects/${project.id}/chat/${channel.id}`} aria-current={channel.id === channelId ? 'page' : undefined}>
                  # {channel.name}
                  {channel.kind === 'staff' && <span class="chip">{t('chat.staffRoom')}</span>}
                  {count > 0 && <span class="count">{tn('chat.unreadCount', count)}</span>}
                </Link>
              </li>
            )
          })}
        </ul>
      </aside>
      <section class="content">
        {current && <ChannelPane key={current.id} user={user} project={project} channel={current} />}
      </section>
    </div>
  )
}

export function ChannelPane({ user, project, channel }: { user: User; project: Project; channel: Channel }): JSX.Element {
  const socket = useSocket()
  const [messages, setMessages] = useState<Message[]>([])
  const [older, setOlder] = useState<number | null>(null)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<unknown>(null)
  const [thread, setThread] = useState<Message | null>(null)
  const [typing, setTyping] = useState<Map<number, { name: string; until: number }>>(new Map())
  const log = useRef<HTMLDivElement>(null)
  const stick = useRef(true)
  const teacher = isTeacherIn(project)
  const canPost = !channel.archived && project.state === 'active' && project.my_role !== 'guest'
  const block = useSpaceBlock(project, 'channel', channel.id)

  async function loadLatest(): Promise<void> {
    setLoading(true)
    try {
      const page = await chatApi.history(channel.id)
      setMessages(page.messages)
      setOlder(page.older)
      setError(null)
      void chatApi.markRead(channel.id).catch(() => undefined)
    } catch (failure) {
      setError(failure)
    } finally {
      setLoading(false)
    }
  }

  useEffect(() => {
    void loadLatest()
    socket?.setLocation({ kind: 'channel', id: channel.id })
    return () => socket?.setLocation(null)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [channel.id, socket])

  useEffect(() => {
    const node = log.current
    if (node && stick.current) node.scrollTop = node.scrollHeight
  }, [messages])

  useEffect(() => {
    if (typing.size === 0) return undefined
    const timer = window.setInterval(() => {
      const now = Date.now()
      setTyping((map) => new Map([...map].filter(([, v]) => v.until > now)))
    }, 1000)
    return () => window.clearInterval(timer)
  }, [typing.size])

  const mine = (m: Message): boolean => m.channel_id === channel.id

  useEvent(socket, 'reload', () => void loadLatest())
  // once the socket carries this channel, fetch again what was sent before it did
  useEvent(socket, 'subscribed', (data: { channels?: number[] }) => {
    if (!data.channels?.includes(channel.id)) return
    chatApi.history(channel.id).then((page) => setMessages((list) => page.messages.reduce(upsert, list)), () => undefined)
  })
  useEvent(socket, 'message.created', (message: Message) => {
    if (!mine(message)) return
    if (message.parent_id === null) {
      setMessages((list) => upsert(list, message))
      if (message.author?.id !== user.id) void chatApi.markRead(channel.id, message.id).catch(() => undefined)
    } else {
      setMessages((list) => list.map((m) => (m.id === message.parent_id ? { ...m, reply_count: m.reply_count + 1 } : m)))
    }
    if (message.author) {
      const authorId = message.author.id
      setTyping((map) => {
        const next = new Map(map)
        next.delete(authorId)
        return next
      })
    }
  })
  useEvent(socket, 'message.updated', (message: Message) => {
    if (!mine(message)) return
    if (message.parent_id === null) setMessages((list) => upsert(list, message))
    if (thread?.id === message.id) setThread(message)
  })
  useEvent(socket, 'message.removed', (data: { id: number; channel_id: number; parent_id: number | null }) => {
    if (data.channel_id !== channel.id) return
    const gone = messages.find((m) => m.id === data.id)
    if (gone && gone.author?.id === user.id && (gone.pending || gone.status === 'held' || gone.status === 'blocked')) {
      // the author's own waiting message was not published: it stays, marked, with a word
      setMessages((list) => list.map((m) => (m.id === data.id ? { ...m, status: 'rejected', pending: false } : m)))
      notify(t('chat.rejectedNotice'), 'error')
      return
    }
    setMessages((list) =>
      list
        .filter((m) => m.id !== data.id)
        .map((m) => (data.parent_id !== null && m.id === data.parent_id ? { ...m, reply_count: Math.max(0, m.reply_count - 1) } : m)),
    )
    if (thread?.id === data.id) setThread(null)
  })
  useEvent(socket, 'message.reactions', (data: { id: number; channel_id: number; reactions: Message['reactions'] }) => {
    if (data.channel_id !== channel.id) return
    setMessages((list) => list.map((m) => (m.id === data.id ? { ...m, reactions: data.reactions } : m)))
  })
  useEvent(socket, 'typing', (data: { channel_id: number; user: { id: number; display_name: string } }) => {
    if (data.channel_id !== channel.id || data.user.id === user.id) return
    setTyping((map) => new Map(map).set(data.user.id, { name: data.user.display_name, until: Date.now() + TYPING_SHOWN_MS }))
  })

  async function loadOlder(): Promise<void> {
    if (older === null) return
    try {
      const page = await chatApi.history(channel.id, older)
      stick.current = false
      setMessages((list) => page.messages.reduce(upsert, list))
      setOlder(page.older)
    } catch (failure) {
      notifyError(failure)
    }
  }

  async function react(message: Message, emoji: string): Promise<void> {
    try {
      const reactions = await chatApi.react(message.id, emoji)
      setMessages((list) => list.map((m) => (m.id === message.id ? { ...m, reactions } : m)))
    } catch (failure) {
      notifyError(failure)
    }
  }

  async function remove(message: Message): Promise<void> {
    if (!window.confirm(t('chat.confirmDelete'))) return
    try {
      await chatApi.remove(message.id)
      setMessages((list) => list.filter((m) => m.id !== message.id))
    } catch (failure) {
      notifyError(failure)
    }
  }

  const typingNames = [...typing.values()].map((v) => v.name)
  return (
    <div class={`chat ${thread ? 'with-thread' : ''}`}>
      <div class="chat-main">
        <h2 class="channel-title"># {channel.name}</h2>
        {channel.archived && <p class="notice">{t('chat.archived')}</p>}
        {error ? (
          <p class="error-box" role="alert">
            {errorText(error)}
          </p>
        ) : null}
        <div
          class="messages-scroll"
          ref={log}
          role="log"
          aria-live="polite"
          aria-label={t('chat.messagesIn', { name: channel.name })}
          tabIndex={0}
          onScroll={(e) => {
            const el = e.currentTarget
            stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80
          }}
        >
        <ol class="messages">
          {older !== null && (
            <li class="load-older">
              <button type="button" class="btn btn-quiet" onClick={() => void loadOlder()}>
                {t('chat.loadOlder')}
              </button>
            </li>
          )}
          {loading && messages.length === 0 && <li class="muted">{t('status.loading')}</li>}
          {!loading && messages.length === 0 && <li class="muted empty">{t('chat.empty')}</li>}
          {messages.map((message) => (
            <MessageItem
              key={message.id}
              message={message}
              me={user.id}
              teacher={teacher}
              projectId={project.id}
              canPost={canPost}
              onReact={(emoji) => void react(message, emoji)}
              onReply={() => setThread(message)}
              onDelete={() => void remove(message)}
              onStatus={(status) => setMessages((list) => list.map((m) => (m.id === message.id ? { ...m, status } : m)))}
            />
          ))}
        </ol>
        </div>
        <p class="typing" aria-live="polite">
          {typingNames.length > 0 ? t('chat.typing', { names: typingNames.join(', ') }) : '\u00a0'}
        </p>
        {canPost && block ? (
          <SpaceBlockNotice block={block} />
        ) : canPost ? (
          <Composer
            channel={channel}
            label={t('chat.messageTo', { name: channel.name })}
            onTyping={() => socket?.typing(channel.id)}
            onSent={(message) => {
              stick.current = true
              if (message.parent_id === null) setMessages((list) => upsert(list, message))
            }}
          />
        ) : (
          <p class="muted">{t('chat.cannotPost')}</p>
        )}
      </div>
      {thread && (
        <Thread
          key={thread.id}
          parent={thread}
          user={user}
          teacher={teacher}
          projectId={project.id}
          channel={channel}
          canPost={canPost && !block}
          onClose={() => setThread(null)}
        />
      )}
    </div>
  )
}

interface ItemProps {
  message: Message
  me: number
  teacher: boolean
  projectId: number
  canPost: boolean
  onReact: (emoji: string) => void
  onReply?: () => void
  onDelete: () => void
  onStatus?: (status: ItemStatus) => void
}

function MessageItem({ message, me, teacher, projectId, canPost, onReact, onReply, onDelete, onStatus }: ItemProps): JSX.Element {
  const own = message.author?.id === me
  const status = message.pending ? 'held' : message.status
  return (
    <li class={`message status-${status} ${own ? 'own' : ''}`} data-message-id={message.id} data-status={status}>
      {message.author && <Avatar name={message.author.display_name} id={message.author.id} />}
      <div class="message-body">
        <p class="message-meta">
          <strong>{message.author?.display_name ?? t('chat.someone')}</strong>{' '}
          <time dateTime={message.created_at} title={formatDateTime(message.created_at)}>
            {formatTime(message.created_at)}
          </time>
          {message.edited_at && <span class="muted"> · {t('chat.edited')}</span>}{' '}
          <StatusBadge status={message.status} pending={message.pending} reason={own || teacher ? reasonText(message) : null} />
        </p>
        {message.removed || message.text === null ? (
          <p class="muted removed">{t('chat.removed')}</p>
        ) : (
          <p class="message-text">{message.text}</p>
        )}
        {message.pending && own && <p class="hint pending-hint">{t('chat.pendingHint')}</p>}
        {message.pending && teacher && (
          <p class="hint">
            <Link href={`/projects/${projectId}/desk/queue`}>{t('chat.reviewInDesk')}</Link>
          </p>
        )}
        <div class="message-actions">
          <Reactions reactions={message.reactions} me={me} disabled={!canPost || message.status !== 'published'} onToggle={onReact} />
          {onReply && message.status === 'published' && (
            <button type="button" class="btn btn-quiet btn-small" onClick={onReply}>
              {message.reply_count > 0 ? tn('chat.replies', message.reply_count) : t('chat.reply')}
            </button>
          )}
          {own && !message.removed && (
            <button type="button" class="btn btn-quiet btn-small" onClick={onDelete}>
              {t('action.delete')}
            </button>
          )}
          {!message.removed && (
            <ItemActions
              projectId={projectId}
              kind="message"
              id={message.id}
              status={message.pending ? 'held' : message.status}
              own={own}
              teacher={teacher}
              label={t('chat.messageBy', { name: message.author?.display_name ?? t('chat.someone') })}
              onStatus={onStatus}
            />
          )}
        </div>
      </div>
    </li>
  )
}

/** How long a send may take before the message is shown as waiting in the queue. */
const SEND_PATIENCE_MS = 6000

function patience(ms: number): Promise<'slow'> {
  return new Promise((resolve) => window.setTimeout(() => resolve('slow'), ms))
}

interface ComposerProps {
  channel: Channel
  parentId?: number
  label: string
  onTyping?: () => void
  onSent: (message: Message) => void
}

function Composer({ channel, parentId, label, onTyping, onSent }: ComposerProps): JSX.Element {
  const [text, setText] = useState('')
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const lastTyping = useRef(0)
  const id = useId()
  const live = useProjectLive()
  const socketStatus = useSocketStatus(useSocket())
  const queued = useChatQueue(channel.id, parentId ?? null, socketStatus, (message) => onSent(message))

  async function send(event?: Event): Promise<void> {
    event?.preventDefault()
    const value = text.trim()
    if (!value || busy) return
    const key = newClientKey()
    if (socketStatus !== 'online') {
      // offline: it waits, visibly, and goes when the connection is back
      enqueue(channel.id, parentId ?? null, value, key)
      setText('')
      return
    }
    setBusy(true)
    setProblem(null)
    try {
      const request = chatApi.send(channel.id, value, parentId, key)
      const answer = await Promise.race([request, patience(SEND_PATIENCE_MS)])
      if (answer === 'slow') {
        // no answer yet: it waits visibly; a late answer takes it out of the queue, and a
        // resend with the same key returns the same message (never a second one)
        enqueue(channel.id, parentId ?? null, value, key)
        setText('')
        void request.then((late) => {
          settle(key)
          onSent(late)
        }, () => undefined)
        return
      }
      const message = answer
      setText('')
      onSent(message)
      const why = reasonText(message)
      if (message.status === 'held' || message.pending) notify(why ? `${t('chat.heldNotice')} (${why})` : t('chat.heldNotice'))
      else if (message.status === 'blocked') setProblem(t('chat.blockedNotice', { reason: why ?? '' }))
    } catch (failure) {
      if (!(failure instanceof ApiError) || failure.status >= 500) {
        // the network lost it (or the server is down): queue it under the same key
        enqueue(channel.id, parentId ?? null, value, key)
        setText('')
        return
      }
      noteMute(live, failure)
      noteConsent(live, failure)
      setProblem(errorText(failure))
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
    <QueuedMessages items={queued} />
    <form class="composer" onSubmit={(e) => void send(e)}>
      <label for={`composer-${id}`} class="sr-only">
        {label}
      </label>
      <textarea
        id={`composer-${id}`}
        rows={2}
        value={text}
        maxLength={4000}
        placeholder={label}
        aria-describedby={problem ? `composer-${id}-error` : undefined}
        onInput={(e: TargetedEvent<HTMLTextAreaElement>) => {
          setText(e.currentTarget.value)
          const now = Date.now()
          if (onTyping && now - lastTyping.current > TYPING_EVERY_MS) {
            lastTyping.current = now
            onTyping()
          }
        }}
        onKeyDown={(e: KeyboardEvent) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault()
            void send()
          }
        }}
      />
      <button type="submit" class="btn btn-primary" disabled={busy || !text.trim()}>
        {t('chat.send')}
      </button>
      {problem && (
        <p class="form-error" role="alert" id={`composer-${id}-error`}>
          {problem}
        </p>
      )}
    </form>
    </>
  )
}

interface ThreadProps {
  parent: Message
  user: User
  teacher: boolean
  projectId: number
  channel: Channel
  canPost: boolean
  onClose: () => void
}

function Thread({ parent, user, teacher, projectId, channel, canPost, onClose }: ThreadProps): JSX.Element {
  const socket = useSocket()
  const replies = useLoad(() => chatApi.replies(parent.id), [parent.id])
  const list = replies.data ?? []
  const change = replies.patch

  useEvent(socket, 'message.created', (m: Message) => {
    if (m.parent_id === parent.id) change((all) => upsert(all, m))
  })
  useEvent(socket, 'message.updated', (m: Message) => {
    if (m.parent_id === parent.id) change((all) => upsert(all, m))
  })
  useEvent(socket, 'message.removed', (d: { id: number; parent_id: number | null }) => {
    if (d.parent_id === parent.id) change((all) => all.filter((m) => m.id !== d.id))
  })
  useEvent(socket, 'message.reactions', (d: { id: number; reactions: Message['reactions'] }) => {
    change((all) => all.map((m) => (m.id === d.id ? { ...m, reactions: d.reactions } : m)))
  })

  return (
    <aside class="thread" aria-labelledby="thread-title">
      <div class="thread-head">
        <h3 id="thread-title">{t('chat.thread')}</h3>
        <button type="button" class="btn btn-quiet" onClick={onClose} aria-label={t('action.close')}>
          <Icon name="close" />
        </button>
      </div>
      <blockquote class="thread-parent">
        <strong>{parent.author?.display_name}</strong>: {parent.text}
      </blockquote>
      <Loading data={replies} />
      <div role="log" aria-live="polite" aria-label={t('chat.thread')} class="messages-scroll thread-scroll">
      <ol class="messages thread-messages">
        {list.map((m) => (
          <MessageItem
            key={m.id}
            message={m}
            me={user.id}
            teacher={teacher}
            projectId={projectId}
            canPost={canPost}
            onReact={(emoji) =>
              void chatApi.react(m.id, emoji).then(
                (reactions) => change((all) => all.map((x) => (x.id === m.id ? { ...x, reactions } : x))),
                notifyError,
              )
            }
            onDelete={() =>
              void chatApi.remove(m.id).then(() => change((all) => all.filter((x) => x.id !== m.id)), notifyError)
            }
            onStatus={(status) => change((all) => all.map((x) => (x.id === m.id ? { ...x, status } : x)))}
          />
        ))}
      </ol>
      </div>
      {canPost && (
        <Composer
          channel={channel}
          parentId={parent.id}
          label={t('chat.replyLabel')}
          onSent={(m) => change((all) => upsert(all, m))}
        />
      )}
    </aside>
  )
}
