import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { labels as labelsApi, projects as projectsApi } from '../api'
import { AreaField, Empty, Loading, SelectField, notify, notifyError, useLoad } from '../components/ui'
import { formatDate, t } from '../i18n'
import { CRITERIA, type Criterion, type LabelApplication, type User } from '../types'

export function ApplicationSummary({ app, projectTitle }: { app: LabelApplication; projectTitle?: string }): JSX.Element {
  return (
    <>
      <p>
        <strong>{projectTitle ?? t('labels.projectN', { id: app.project_id })}</strong> · <span class={`badge badge-app-${app.status}`}>{t(`labels.status.${app.status}`)}</span>
        {app.nominated && <span class="chip chip-accent">{t('labels.nominated')}</span>}
      </p>
      <p class="muted small">
        {t('labels.submitted', { when: formatDate(app.submitted_at) })}
        {app.reviewed_at && ` · ${t('labels.reviewed', { when: formatDate(app.reviewed_at) })}`}
      </p>
      {app.scores && (
        <dl class="scores">
          {CRITERIA.map((c) => (
            <div key={c}>
              <dt>{t(`criteria.${c}`)}</dt>
              <dd>{app.scores?.[c]}/10</dd>
            </div>
          ))}
        </dl>
      )}
      {app.reason && <p class="muted">{app.reason}</p>}
    </>
  )
}

export function LabelsScreen({ user }: { user: User }): JSX.Element {
  const apps = useLoad(() => labelsApi.applications(), [])
  const mine = useLoad(() => projectsApi.mine(), [])
  const teaching = (mine.data ?? []).filter((p) => p.my_role === 'founder' || p.my_role === 'teacher_admin' || p.my_role === 'teacher')
  const titles = new Map((mine.data ?? []).map((p) => [p.id, p.title]))
  const [projectId, setProjectId] = useState('')
  const empty = Object.fromEntries(CRITERIA.map((c) => [c, ''])) as Record<Criterion, string>
  const [statements, setStatements] = useState(empty)
  const chosen = projectId || String(teaching[0]?.id ?? '')

  if (user.kind !== 'teacher') return <p class="notice">{t('error.forbidden')}</p>

  async function apply(event: Event): Promise<void> {
    event.preventDefault()
    try {
      await labelsApi.apply(Number(chosen), statements)
      setStatements(empty)
      notify(t('labels.applied'))
      apps.reload()
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <div class="page labels">
      <h1>{t('labels.heading')}</h1>
      <p class="lead">{t('labels.intro')}</p>
      <section aria-labelledby="my-apps">
        <h2 id="my-apps">{t('labels.myApplications')}</h2>
        <Loading data={apps} />
        {apps.data && apps.data.length === 0 && <Empty>{t('labels.noApplications')}</Empty>}
        <ul class="cards">
          {apps.data?.map((app) => (
            <li key={app.id} class="card">
              <ApplicationSummary app={app} projectTitle={app.project_title || titles.get(app.project_id)} />
              {app.status === 'submitted' && (
                <button
                  type="button"
                  class="btn"
                  onClick={() => {
                    if (window.confirm(t('labels.confirmWithdraw'))) void labelsApi.withdraw(app.id).then(apps.reload, notifyError)
                  }}
                >
                  {t('labels.withdraw')}
                </button>
              )}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="apply-heading">
        <h2 id="apply-heading">{t('labels.apply')}</h2>
        {mine.data && teaching.length === 0 && <Empty>{t('labels.noProjects')}</Empty>}
        {teaching.length > 0 && (
          <form onSubmit={(e) => void apply(e)}>
            <SelectField label={t('labels.project')} value={chosen} onValue={setProjectId} options={teaching.map((p) => ({ value: String(p.id), label: p.title }))} />
            {CRITERIA.map((c) => (
              <AreaField
                key={c}
                label={t(`criteria.${c}`)}
                value={statements[c]}
                onValue={(v) => setStatements({ ...statements, [c]: v })}
                rows={3}
                required
                maxLength={2000}
              />
            ))}
            <button type="submit" class="btn btn-primary">
              {t('labels.submit')}
            </button>
          </form>
        )}
      </section>
    </div>
  )
}
