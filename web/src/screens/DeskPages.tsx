// The teacher desk's pages tab: locks, deleted pages and each page's history with restore.
import type { JSX } from 'preact'
import { Icon } from '../components/Icon'
import { useEffect, useRef, useState } from 'preact/hooks'
import { pages as pagesApi } from '../api'
import { Dialog, Empty, Field, Loading, notify, notifyError, useLoad } from '../components/ui'
import type { Editor } from '../editor/collab'
import { formatDateTime, formatRelative, t } from '../i18n'
import { useEvent, useSocket } from '../lib/events'
import { Link } from '../lib/router'
import type { Page, Project, Version } from '../types'

export function PagesDesk({ project }: { project: Project }): JSX.Element {
  const socket = useSocket()
  const list = useLoad(() => pagesApi.list(project.id, true), [project.id])
  const [history, setHistory] = useState<Page | null>(null)
  useEvent(socket, 'page.lock', () => list.reload())

  async function toggle(page: Page): Promise<void> {
    try {
      if (page.locked) await pagesApi.unlock(page.id)
      else await pagesApi.lock(page.id)
      list.reload()
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <section aria-labelledby="desk-pages">
      <h2 id="desk-pages">{t('desk.pages')}</h2>
      <Loading data={list} />
      <table class="table">
        <caption class="sr-only">{t('desk.pages')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('pages.title')}</th>
            <th scope="col">{t('desk.state')}</th>
            <th scope="col">{t('desk.updated')}</th>
            <th scope="col">
              <span class="sr-only">{t('desk.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.data?.map((page) => (
            <tr key={page.id} data-page-id={page.id}>
              <td>
                <Link href={`/projects/${project.id}/pages/${page.id}`}>{page.title}</Link>
              </td>
              <td>{page.deleted ? t('desk.deleted') : page.locked ? (
                  <>
                    <Icon name="lock" /> {t('pages.locked')}
                  </>
                ) : (
                  t('desk.open')
                )}</td>
              <td>
                <time dateTime={page.edited_at}>{formatRelative(page.edited_at)}</time>
                {page.edited_by_name && <span class="muted small"> {t('desk.editedBy', { name: page.edited_by_name })}</span>}
              </td>
              <td class="actions">
                {page.deleted ? (
                  <button type="button" class="btn" onClick={() => void pagesApi.undelete(page.id).then(list.reload, notifyError)}>
                    {t('desk.undelete')}
                  </button>
                ) : (
                  <>
                    <button type="button" class="btn" onClick={() => void toggle(page)} aria-label={`${page.locked ? t('pages.unlock') : t('pages.lock')}: ${page.title}`}>
                      {page.locked ? t('pages.unlock') : t('pages.lock')}
                    </button>
                    <button type="button" class="btn" onClick={() => setHistory(page)} aria-label={`${t('desk.history')}: ${page.title}`}>
                      {t('desk.history')}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {history && <HistoryDialog page={history} onClose={() => setHistory(null)} />}
    </section>
  )
}

function Preview({ html, label }: { html: string; label: string }): JSX.Element {
  const host = useRef<HTMLDivElement>(null)
  useEffect(() => {
    let editor: Editor | null = null
    let cancelled = false
    void import('../editor/collab').then(({ createPreview }) => {
      if (!cancelled && host.current) editor = createPreview(host.current, html, label)
    })
    return () => {
      cancelled = true
      editor?.destroy()
    }
  }, [html, label])
  return <div ref={host} class="preview-host" data-testid="version-preview" />
}

function HistoryDialog({ page, onClose }: { page: Page; onClose: () => void }): JSX.Element {
  const versions = useLoad(() => pagesApi.versions(page.id), [page.id])
  const [selected, setSelected] = useState<Version | null>(null)
  const content = useLoad(() => (selected ? pagesApi.version(page.id, selected.id) : Promise.resolve(null)), [selected?.id])
  const [name, setName] = useState('')

  async function restore(): Promise<void> {
    if (!selected || !window.confirm(t('desk.confirmRestore', { when: formatDateTime(selected.created_at) }))) return
    try {
      await pagesApi.restore(page.id, selected.id)
      notify(t('desk.restored'))
      versions.reload()
    } catch (error) {
      notifyError(error)
    }
  }

  async function save(event: Event): Promise<void> {
    event.preventDefault()
    try {
      await pagesApi.saveVersion(page.id, name.trim())
      setName('')
      versions.reload()
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <Dialog open wide title={t('desk.historyOf', { title: page.title })} onClose={onClose}>
      <div class="history">
        <div class="history-list">
          <form class="inline-form" onSubmit={(e) => void save(e)}>
            <Field label={t('desk.saveVersion')} value={name} onValue={setName} required maxLength={200} />
            <button type="submit" class="btn">
              {t('action.save')}
            </button>
          </form>
          <Loading data={versions} />
          {versions.data && versions.data.length === 0 && <Empty>{t('desk.noVersions')}</Empty>}
          <ul class="nav-list">
            {versions.data?.map((v) => (
              <li key={v.id}>
                <button type="button" class="linkish" aria-pressed={selected?.id === v.id} onClick={() => setSelected(v)}>
                  <time dateTime={v.created_at}>{formatDateTime(v.created_at)}</time>
                  <span class="muted"> · {v.name ?? t(`version.${v.kind as 'auto' | 'named' | 'before_restore'}`)}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
        <div class="history-preview">
          {!selected && <p class="muted">{t('desk.pickVersion')}</p>}
          {selected && <Loading data={content} />}
          {selected && content.data && (
            <>
              <Preview html={content.data.html} label={t('desk.previewOf', { when: formatDateTime(selected.created_at) })} />
              <button type="button" class="btn btn-primary" onClick={() => void restore()}>
                {t('desk.restore')}
              </button>
            </>
          )}
        </div>
      </div>
    </Dialog>
  )
}
