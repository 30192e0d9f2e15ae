// Guardian consent on the Pupils screen (docs/consent.md): each pupil's state, the dialog to
// record or withdraw a parent's decision and the birth year, and the class's printables
// (consent letters, sign-in cards), all for the class's teachers only.
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { consent as consentApi } from '../api'
import { AreaField, Dialog, Field, SelectField, notify, notifyError, useLoad } from '../components/ui'
import { formatDate, t } from '../i18n'
import type { ConsentMethod, Person, PupilConsentSummary } from '../types'

const METHODS: ConsentMethod[] = ['paper_form', 'guardian_email', 'school_existing', 'other']

function today(): string {
  const now = new Date()
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

/** One pupil's consent as a short label: given, waiting, withdrawn, or old enough. */
export function ConsentBadge({ summary }: { summary: PupilConsentSummary | undefined }): JSX.Element | null {
  if (!summary) return null
  const label = !summary.required && summary.state !== 'withdrawn' ? t('consent.notNeeded') : t(`consent.state.${summary.state}`)
  const tone = summary.may_post ? 'chip-ok' : 'chip-warn'
  return (
    <span class={`chip ${tone}`} data-testid="consent-state" data-state={summary.state} data-may-post={String(summary.may_post)}>
      {label}
    </span>
  )
}

/** Open print-ready HTML in a new tab for the teacher's browser to print. */
function openPrintable(html: string): void {
  const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }))
  const opened = window.open(url, '_blank')
  if (!opened) notify(t('consent.popupBlocked'), 'error')
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** The class's printables: consent letters for every pupil and sign-in cards. */
export function ClassPrintables({ classId }: { classId: number }): JSX.Element {
  async function cards(newPasswords: boolean): Promise<void> {
    if (newPasswords && !window.confirm(t('consent.confirmNewPasswords'))) return
    try {
      openPrintable(await consentApi.cards(classId, newPasswords))
    } catch (error) {
      notifyError(error)
    }
  }
  return (
    <div class="row wrap printables" data-testid="class-printables">
      <a class="btn btn-small" href={consentApi.lettersUrl(classId)} target="_blank" rel="noopener">
        {t('consent.printLetters')}
      </a>
      <button type="button" class="btn btn-small" onClick={() => void cards(false)}>
        {t('consent.printCards')}
      </button>
      <button type="button" class="btn btn-small" onClick={() => void cards(true)}>
        {t('consent.printCardsNew')}
      </button>
    </div>
  )
}

/** Record or withdraw a parent's decision, set the birth date, see the history. */
export function ConsentDialog({ pupil, classId, onClose, onChanged }: { pupil: Person; classId: number; onClose: () => void; onChanged: () => void }): JSX.Element {
  const record = useLoad(() => consentApi.ofPupil(pupil.id), [pupil.id])
  const [decidedOn, setDecidedOn] = useState(today())
  const [method, setMethod] = useState<ConsentMethod>('paper_form')
  const [note, setNote] = useState('')
  const [year, setYear] = useState<string | null>(null)
  const [month, setMonth] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const data = record.data
  const shownYear = year ?? (data?.birth_year ? String(data.birth_year) : '')
  const shownMonth = month ?? (data?.birth_month ? String(data.birth_month) : '')
  const next = data?.state === 'given' ? 'withdrawn' : 'given'

  async function decide(event: Event): Promise<void> {
    event.preventDefault()
    setBusy(true)
    try {
      await consentApi.record(pupil.id, { state: next, decided_on: decidedOn, method, note })
      notify(next === 'given' ? t('consent.recorded', { name: pupil.display_name }) : t('consent.withdrawnNotice', { name: pupil.display_name }))
      setNote('')
      record.reload()
      onChanged()
    } catch (error) {
      notifyError(error)
    } finally {
      setBusy(false)
    }
  }

  async function saveBirth(event: Event): Promise<void> {
    event.preventDefault()
    try {
      await consentApi.birthDate(pupil.id, shownYear ? Number(shownYear) : null, shownYear && shownMonth ? Number(shownMonth) : null)
      notify(t('consent.birthSaved', { name: pupil.display_name }))
      record.reload()
      onChanged()
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <Dialog open wide title={t('consent.dialogTitle', { name: pupil.display_name })} onClose={onClose}>
      {data && (
        <>
          <p data-testid="consent-summary">
            <ConsentBadge summary={data} />{' '}
            {data.required ? t('consent.rule', { age: data.consent_age }) : t('consent.oldEnough', { age: data.consent_age })}
          </p>
          <form class="inline-form" onSubmit={(e) => void saveBirth(e)}>
            <Field label={t('consent.birthYear')} type="number" inputMode="numeric" min={1990} max={new Date().getFullYear()} value={shownYear} onValue={setYear} />
            <SelectField
              label={t('consent.birthMonth')}
              value={shownMonth}
              onValue={setMonth}
              options={[{ value: '', label: '—' }, ...Array.from({ length: 12 }, (_, i) => ({ value: String(i + 1), label: String(i + 1) }))]}
            />
            <button type="submit" class="btn">
              {t('consent.saveBirth')}
            </button>
          </form>
          <form onSubmit={(e) => void decide(e)} data-testid="consent-form">
            <h3>{next === 'given' ? t('consent.record') : t('consent.withdraw')}</h3>
            <Field label={t('consent.decidedOn')} type="date" max={today()} value={decidedOn} onValue={setDecidedOn} required />
            <SelectField label={t('consent.method')} value={method} onValue={(v) => setMethod(v as ConsentMethod)} options={METHODS.map((m) => ({ value: m, label: t(`consent.method.${m}`) }))} />
            <AreaField label={t('consent.note')} value={note} onValue={setNote} rows={2} maxLength={500} required={method === 'other'} />
            <div class="actions">
              <button type="submit" class={`btn ${next === 'given' ? 'btn-primary' : 'btn-danger'}`} disabled={busy}>
                {next === 'given' ? t('consent.record') : t('consent.withdraw')}
              </button>
              <a class="btn" href={consentApi.lettersUrl(classId, pupil.id)} target="_blank" rel="noopener">
                {t('consent.printLetter')}
              </a>
            </div>
          </form>
          {data.history.length > 0 && (
            <>
              <h3>{t('consent.history')}</h3>
              <ul class="list small" data-testid="consent-history">
                {data.history.map((entry) => (
                  <li key={entry.recorded_at}>
                    {t(`consent.state.${entry.state}`)}
                    {entry.decided_on ? ` · ${formatDate(entry.decided_on)}` : ''}
                    {entry.method ? ` · ${t(`consent.method.${entry.method}`)}` : ''}
                    {entry.recorded_by ? ` · ${t('consent.by', { name: entry.recorded_by })}` : ''}
                    {entry.note ? ` · ${entry.note}` : ''}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </Dialog>
  )
}
