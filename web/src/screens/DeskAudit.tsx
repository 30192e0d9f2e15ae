// The teacher desk's audit log (founders and teacher administrators): every moderation action,
// newest first, with older pages on demand and the whole log as a CSV download.
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { moderation, projects as projectsApi } from '../api'
import { Empty, Loading, notifyError, useLoad } from '../components/ui'
import { formatDateTime, reasonText, t, tOr } from '../i18n'
import type { AuditEntry, Project } from '../types'
import { ReflowTable } from '../components/ReflowTable'

export function AuditLog({ project }: { project: Project }): JSX.Element {
  const first = useLoad(() => moderation.audit(project.id), [project.id])
  const members = useLoad(() => projectsApi.members(project.id), [project.id])
  const [older, setOlder] = useState<AuditEntry[]>([])
  const [done, setDone] = useState(false)
  const names = new Map((members.data ?? []).map((m) => [m.id, m.display_name]))
  const entries = [...(first.data ?? []), ...older]

  async function more(): Promise<void> {
    const last = entries[entries.length - 1]
    if (!last) return
    try {
      const page = await moderation.audit(project.id, last.id)
      setOlder((list) => [...list, ...page])
      if (page.length < 100) setDone(true)
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <section aria-labelledby="audit-heading" data-testid="audit">
      <div class="row">
        <h2 id="audit-heading">{t('desk.audit')}</h2>
        <a class="btn" href={moderation.auditCsvUrl(project.id)} download>
          {t('desk.auditCsv')}
        </a>
      </div>
      <Loading data={first} />
      {first.data && entries.length === 0 && <Empty>{t('desk.auditEmpty')}</Empty>}
      {entries.length > 0 && (
        <ReflowTable class="audit-table">
          <caption class="sr-only">{t('desk.audit')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('desk.when')}</th>
              <th scope="col">{t('desk.who')}</th>
              <th scope="col">{t('desk.action')}</th>
              <th scope="col">{t('desk.what')}</th>
              <th scope="col">{t('desk.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>
                  <time dateTime={entry.created_at}>{formatDateTime(entry.created_at)}</time>
                </td>
                <td>{entry.actor_name || '—'}</td>
                <td>{tOr(`audit.${entry.action}`, entry.action)}</td>
                <td>
                  {entry.item_kind ? `${tOr(`desk.item.${entry.item_kind}`, entry.item_kind)} #${entry.item_id ?? ''}` : ''}
                  {entry.subject_user_id !== null && (
                    <span>
                      {entry.item_kind ? ' · ' : ''}
                      {names.get(entry.subject_user_id) ?? `#${entry.subject_user_id}`}
                    </span>
                  )}
                </td>
                <td>{reasonText(entry)}</td>
              </tr>
            ))}
          </tbody>
        </ReflowTable>
      )}
      {first.data && first.data.length === 100 && !done && (
        <button type="button" class="btn" onClick={() => void more()}>
          {t('desk.auditOlder')}
        </button>
      )}
    </section>
  )
}
