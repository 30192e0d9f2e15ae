// Moderation actions on one chat message, board post or comment: "Report" for every member
// (not on their own items), "Hide" and "Restore" for the TwinSpace's teachers.
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { moderation } from '../api'
import { t } from '../i18n'
import type { ItemKind, ItemStatus } from '../types'
import { AreaField, Dialog, errorText, notify, notifyError } from './ui'

interface Props {
  projectId: number
  kind: ItemKind
  id: number
  status: ItemStatus
  own: boolean
  teacher: boolean
  /** what the item is called in the buttons' accessible names, e.g. the author's name */
  label: string
  onStatus?: (status: ItemStatus) => void
}

export function ItemActions({ projectId, kind, id, status, own, teacher, label, onStatus }: Props): JSX.Element | null {
  const [reporting, setReporting] = useState(false)
  const canReport = !own && status === 'published'
  const canHide = teacher && (status === 'published' || status === 'held')
  const canRestore = teacher && (status === 'hidden' || status === 'rejected')
  if (!canReport && !canHide && !canRestore) return null

  async function change(action: 'hide' | 'restore'): Promise<void> {
    try {
      if (action === 'hide') await moderation.hide(projectId, kind, id)
      else await moderation.restore(projectId, kind, id)
      onStatus?.(action === 'hide' ? 'hidden' : 'published')
      notify(t(action === 'hide' ? 'desk.done.hide' : 'desk.done.restore'))
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <>
      {canReport && (
        <button type="button" class="btn btn-quiet btn-small" onClick={() => setReporting(true)} aria-label={t('report.buttonFor', { what: label })}>
          {t('report.button')}
        </button>
      )}
      {canHide && (
        <button type="button" class="btn btn-quiet btn-small" onClick={() => void change('hide')} aria-label={t('desk.hideFor', { what: label })}>
          {t('desk.hide')}
        </button>
      )}
      {canRestore && (
        <button type="button" class="btn btn-quiet btn-small" onClick={() => void change('restore')} aria-label={t('desk.restoreFor', { what: label })}>
          {t('desk.restoreItem')}
        </button>
      )}
      {reporting && <ReportDialog projectId={projectId} kind={kind} id={id} onClose={() => setReporting(false)} />}
    </>
  )
}

function ReportDialog({ projectId, kind, id, onClose }: { projectId: number; kind: ItemKind; id: number; onClose: () => void }): JSX.Element {
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)

  async function send(event: Event): Promise<void> {
    event.preventDefault()
    if (!reason.trim()) return
    setBusy(true)
    try {
      await moderation.report(projectId, kind, id, reason.trim())
      notify(t('report.thanks'))
      onClose()
    } catch (error) {
      setProblem(errorText(error))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog open title={t('report.title')} onClose={onClose}>
      <form onSubmit={(e) => void send(e)}>
        <p class="hint">{t('report.intro')}</p>
        <AreaField label={t('report.reason')} value={reason} onValue={setReason} rows={3} required maxLength={1000} />
        {problem && (
          <p class="form-error" role="alert">
            {problem}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="btn btn-primary" disabled={busy || !reason.trim()}>
            {t('report.send')}
          </button>
          <button type="button" class="btn" onClick={onClose}>
            {t('action.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
