// National support organisation screens: validating teacher registrations and reviewing
// National Quality Label applications.
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { labels as labelsApi, registry } from '../api'
import { AreaField, Dialog, Empty, Field, Loading, SelectField, notify, notifyError, useLoad } from '../components/ui'
import { countryName, languageName, subjectName, t } from '../i18n'
import { CRITERIA, type Criterion, type LabelApplication, type TeacherOut, type User } from '../types'
import { ApplicationSummary } from './Labels'
import { ReflowTable } from '../components/ReflowTable'

function staffOnly(user: User): JSX.Element | null {
  return user.kind === 'nso' || user.kind === 'admin' ? null : <p class="notice">{t('error.forbidden')}</p>
}

export function NsoRegistrations({ user }: { user: User }): JSX.Element {
  const [status, setStatus] = useState('pending')
  const list = useLoad(() => registry.registrations(status), [status])
  const [reviewing, setReviewing] = useState<{ teacher: TeacherOut; validate: boolean } | null>(null)
  const denied = staffOnly(user)
  if (denied) return denied

  return (
    <div class="page nso">
      <h1>{t('nso.registrations')}</h1>
      <div class="filters">
        <SelectField
          label={t('nso.show')}
          value={status}
          onValue={setStatus}
          options={(['pending', 'validated', 'rejected'] as const).map((s) => ({ value: s, label: t(`teacherStatus.${s}`) }))}
        />
      </div>
      <Loading data={list} />
      {list.data && list.data.length === 0 && <Empty>{t('nso.noRegistrations')}</Empty>}
      <ReflowTable>
        <caption class="sr-only">{t('nso.registrations')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('nso.teacher')}</th>
            <th scope="col">{t('nso.role')}</th>
            <th scope="col">{t('account.subjects')}</th>
            <th scope="col">{t('account.status')}</th>
            <th scope="col">
              <span class="sr-only">{t('desk.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.data?.map((teacher) => (
            <tr key={teacher.id}>
              <td>
                {teacher.display_name}
                <span class="muted"> · {countryName(teacher.country)}</span>
              </td>
              <td>{t(`staffRole.${teacher.profile.staff_role}`)}</td>
              <td>
                {teacher.profile.subjects.map(subjectName).join(', ')}
                <span class="muted"> · {teacher.profile.languages.map(languageName).join(', ')}</span>
              </td>
              <td>
                {t(`teacherStatus.${teacher.profile.status}`)}
                {teacher.profile.review_reason && <span class="muted"> — {teacher.profile.review_reason}</span>}
              </td>
              <td class="actions">
                {teacher.profile.status !== 'validated' && (
                  <button type="button" class="btn btn-primary" onClick={() => setReviewing({ teacher, validate: true })} aria-label={`${t('nso.validate')}: ${teacher.display_name}`}>
                    {t('nso.validate')}
                  </button>
                )}
                {teacher.profile.status !== 'rejected' && (
                  <button type="button" class="btn" onClick={() => setReviewing({ teacher, validate: false })} aria-label={`${t('nso.reject')}: ${teacher.display_name}`}>
                    {t('nso.reject')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </ReflowTable>
      {reviewing && (
        <ReviewDialog
          {...reviewing}
          onClose={() => setReviewing(null)}
          onDone={() => {
            setReviewing(null)
            list.reload()
          }}
        />
      )}
    </div>
  )
}

function ReviewDialog({ teacher, validate, onClose, onDone }: { teacher: TeacherOut; validate: boolean; onClose: () => void; onDone: () => void }): JSX.Element {
  const [reason, setReason] = useState('')
  return (
    <Dialog open title={`${validate ? t('nso.validate') : t('nso.reject')}: ${teacher.display_name}`} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          const call = validate ? registry.validate : registry.reject
          void call(teacher.id, reason.trim() || null).then(() => {
            notify(t('nso.saved'))
            onDone()
          }, notifyError)
        }}
      >
        <Field label={validate ? t('nso.noteOptional') : t('nso.reason')} value={reason} onValue={setReason} required={!validate} maxLength={2000} />
        <button type="submit" class="btn btn-primary">
          {validate ? t('nso.validate') : t('nso.reject')}
        </button>
      </form>
    </Dialog>
  )
}

export function NsoLabels({ user }: { user: User }): JSX.Element {
  const [status, setStatus] = useState('submitted')
  const list = useLoad(() => labelsApi.applications(status), [status])
  const [reviewing, setReviewing] = useState<LabelApplication | null>(null)
  const denied = staffOnly(user)
  if (denied) return denied
  return (
    <div class="page nso">
      <h1>{t('nso.labelReviews')}</h1>
      <div class="filters">
        <SelectField
          label={t('nso.show')}
          value={status}
          onValue={setStatus}
          options={(['submitted', 'awarded', 'rejected', 'withdrawn'] as const).map((s) => ({ value: s, label: t(`labels.status.${s}`) }))}
        />
      </div>
      <Loading data={list} />
      {list.data && list.data.length === 0 && <Empty>{t('nso.noApplications')}</Empty>}
      <ul class="cards">
        {list.data?.map((app) => (
          <li key={app.id} class="card">
            <ApplicationSummary app={app} projectTitle={app.project_title} />
            <p>
              <strong>{app.teacher_name}</strong>
              <span class="muted">
                {' '}
                · {app.school_name} · {countryName(app.country)}
              </span>
            </p>
            <details>
              <summary>{t('nso.statements')}</summary>
              <dl>
                {CRITERIA.map((c) => (
                  <div key={c}>
                    <dt>{t(`criteria.${c}`)}</dt>
                    <dd>{app.statements[c]}</dd>
                  </div>
                ))}
              </dl>
            </details>
            {app.status === 'submitted' && (
              <button type="button" class="btn btn-primary" onClick={() => setReviewing(app)}>
                {t('nso.review')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {reviewing && (
        <LabelReviewDialog
          app={reviewing}
          onClose={() => setReviewing(null)}
          onDone={() => {
            setReviewing(null)
            list.reload()
          }}
        />
      )}
    </div>
  )
}

function LabelReviewDialog({ app, onClose, onDone }: { app: LabelApplication; onClose: () => void; onDone: () => void }): JSX.Element {
  const [scores, setScores] = useState<Record<Criterion, number>>(Object.fromEntries(CRITERIA.map((c) => [c, 5])) as Record<Criterion, number>)
  const [decision, setDecision] = useState<'award' | 'reject'>('award')
  const [reason, setReason] = useState('')
  const [nominate, setNominate] = useState(false)
  return (
    <Dialog open wide title={t('nso.review')} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void labelsApi.review(app.id, { decision, scores, reason: reason.trim() || null, nominate: decision === 'award' && nominate }).then(() => {
            notify(t('nso.saved'))
            onDone()
          }, notifyError)
        }}
      >
        <fieldset>
          <legend>{t('nso.scores')}</legend>
          {CRITERIA.map((c) => (
            <div key={c} class="field score-field">
              <label for={`score-${c}`}>{t(`criteria.${c}`)}</label>
              <p class="muted small">{app.statements[c]}</p>
              <input
                id={`score-${c}`}
                type="number"
                min={0}
                max={10}
                required
                value={scores[c]}
                onInput={(e) => setScores({ ...scores, [c]: Number(e.currentTarget.value) })}
              />
            </div>
          ))}
        </fieldset>
        <SelectField
          label={t('nso.decision')}
          value={decision}
          onValue={(v) => setDecision(v === 'reject' ? 'reject' : 'award')}
          options={[
            { value: 'award', label: t('nso.award') },
            { value: 'reject', label: t('nso.reject') },
          ]}
        />
        {decision === 'award' && (
          <label class="check">
            <input type="checkbox" checked={nominate} onChange={(e) => setNominate(e.currentTarget.checked)} />
            {t('nso.nominate')}
          </label>
        )}
        <AreaField label={decision === 'reject' ? t('nso.reason') : t('nso.noteOptional')} value={reason} onValue={setReason} rows={3} required={decision === 'reject'} maxLength={2000} />
        <button type="submit" class="btn btn-primary">
          {t('nso.saveReview')}
        </button>
      </form>
    </Dialog>
  )
}
