// The teacher desk's policy tab: how pupils' messages and posts are checked in this TwinSpace,
// and per-channel/board changes to the mode and slow mode. Founders and teacher admins change
// them; other teachers read them.
import type { JSX } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { boards as boardsApi, chat as chatApi, moderation } from '../api'
import { AreaField, Field, Loading, SelectField, notify, notifyError, useLoad } from '../components/ui'
import { categoryName, t } from '../i18n'
import { CATEGORIES, type Policy, type Project } from '../types'

const MODES = ['off', 'auto', 'pre'] as const
const ACTIONS = ['hold', 'block', 'mask'] as const

function withDefaults(policy: Policy): Policy {
  const actions = { ...policy.actions }
  for (const category of CATEGORIES) actions[category] ??= 'hold'
  return { ...policy, actions }
}

export function mayChangePolicy(project: Project): boolean {
  return project.my_role === 'founder' || project.my_role === 'teacher_admin'
}

export function PolicySettings({ project }: { project: Project }): JSX.Element {
  const editable = mayChangePolicy(project)
  const loaded = useLoad(() => moderation.policy(project.id), [project.id])
  const [draft, setDraft] = useState<Policy | null>(null)
  const [allowlist, setAllowlist] = useState('')
  const [quiet, setQuiet] = useState(false)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (!loaded.data) return
    const policy = withDefaults(loaded.data)
    setDraft(policy)
    setAllowlist(policy.link_allowlist.join('\n'))
    setQuiet(policy.quiet_hours !== null)
  }, [loaded.data])

  if (!draft) return <Loading data={loaded} />
  const change = (patch: Partial<Policy>): void => setDraft({ ...draft, ...patch })
  const hours = draft.quiet_hours ?? { start: '21:00', end: '07:00' }

  async function save(event: Event): Promise<void> {
    event.preventDefault()
    if (!draft) return
    setBusy(true)
    try {
      const domains = allowlist
        .split(/[\s,]+/)
        .map((d) => d.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, ''))
        .filter(Boolean)
      const saved = await moderation.setPolicy(project.id, { ...draft, quiet_hours: quiet ? hours : null, link_allowlist: domains })
      loaded.set(saved)
      notify(t('policy.saved'))
    } catch (error) {
      notifyError(error)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div class="policy">
      <form onSubmit={(e) => void save(e)} aria-labelledby="policy-heading" class="policy-form">
        <h2 id="policy-heading">{t('desk.policy')}</h2>
        {!editable && <p class="notice">{t('policy.readOnly')}</p>}
        <fieldset class="policy-fields" disabled={!editable}>
        <fieldset class="choices">
          <legend>{t('policy.mode')}</legend>
          {MODES.map((mode) => (
            <label key={mode} class="choice">
              <input type="radio" name="policy-mode" value={mode} checked={draft.mode === mode} onChange={() => change({ mode })} />
              <span>
                <strong>{t(`policy.mode.${mode}`)}</strong>
                <span class="muted small"> — {t(`policy.modeHint.${mode}`)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <fieldset class="category-actions" disabled={draft.mode === 'off'}>
          <legend>{t('policy.actions')}</legend>
          <p class="hint">{t('policy.actionsHint')}</p>
          <div class="grid-3">
            {CATEGORIES.map((category) => (
              <SelectField
                key={category}
                label={categoryName(category)}
                value={draft.actions[category] ?? 'hold'}
                onValue={(value) => change({ actions: { ...draft.actions, [category]: value as Policy['actions'][string] } })}
                options={ACTIONS.map((action) => ({ value: action, label: t(`policy.action.${action}`) }))}
              />
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('policy.pace')}</legend>
          <Field
            label={t('policy.slowMode')}
            hint={t('policy.slowModeHint')}
            type="number"
            min={0}
            max={3600}
            value={draft.slow_mode_seconds}
            onValue={(v) => change({ slow_mode_seconds: Math.max(0, Math.min(3600, Math.round(Number(v) || 0))) })}
          />
          <label class="check">
            <input type="checkbox" checked={quiet} onChange={(e) => setQuiet(e.currentTarget.checked)} />
            {t('policy.quietHours')}
          </label>
          {quiet && (
            <div class="inline-form">
              <div class="field">
                <label for="quiet-start">{t('policy.quietFrom')}</label>
                <input id="quiet-start" type="time" value={hours.start} required onInput={(e) => change({ quiet_hours: { ...hours, start: e.currentTarget.value } })} />
              </div>
              <div class="field">
                <label for="quiet-end">{t('policy.quietTo')}</label>
                <input id="quiet-end" type="time" value={hours.end} required onInput={(e) => change({ quiet_hours: { ...hours, end: e.currentTarget.value } })} />
              </div>
            </div>
          )}
          <p class="hint">{t('policy.quietHint')}</p>
        </fieldset>
        <fieldset>
          <legend>{t('policy.more')}</legend>
          <label class="check">
            <input type="checkbox" checked={draft.filter_teachers} onChange={(e) => change({ filter_teachers: e.currentTarget.checked })} />
            {t('policy.filterTeachers')}
          </label>
          <AreaField label={t('policy.allowlist')} value={allowlist} onValue={setAllowlist} rows={4} placeholder="wikipedia.org" />
          <p class="hint">{t('policy.allowlistHint')}</p>
          <SelectField
            label={t('policy.deciders')}
            value={draft.pupil_item_deciders}
            onValue={(value) => change({ pupil_item_deciders: value as Policy['pupil_item_deciders'] })}
            options={[
              { value: 'own_school', label: t('policy.deciders.own_school') },
              { value: 'any_teacher', label: t('policy.deciders.any_teacher') },
            ]}
          />
          <p class="hint">{t('policy.decidersHint')}</p>
        </fieldset>
        </fieldset>
        {editable && (
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {t('policy.save')}
          </button>
        )}
      </form>
      {editable && <SpaceOverrides project={project} />}
    </div>
  )
}

interface SpaceRow {
  space: 'channels' | 'boards'
  id: number
  name: string
}

function SpaceOverrides({ project }: { project: Project }): JSX.Element {
  const spaces = useLoad(async () => {
    const [channels, boards] = await Promise.all([chatApi.channels(project.id), boardsApi.list(project.id)])
    const rows: SpaceRow[] = [
      ...channels.filter((c) => !c.archived).map((c) => ({ space: 'channels' as const, id: c.id, name: `# ${c.name}` })),
      ...boards.filter((b) => !b.archived).map((b) => ({ space: 'boards' as const, id: b.id, name: b.title })),
    ]
    return rows
  }, [project.id])
  return (
    <section aria-labelledby="overrides-heading" class="overrides">
      <h2 id="overrides-heading">{t('policy.overrides')}</h2>
      <p class="hint">{t('policy.overridesHint')}</p>
      <Loading data={spaces} />
      <ul class="list">
        {spaces.data?.map((row) => (
          <OverrideRow key={`${row.space}:${row.id}`} row={row} />
        ))}
      </ul>
    </section>
  )
}

function OverrideRow({ row }: { row: SpaceRow }): JSX.Element {
  const [mode, setMode] = useState('')
  const [slow, setSlow] = useState('')
  const [busy, setBusy] = useState(false)

  async function save(event: Event): Promise<void> {
    event.preventDefault()
    setBusy(true)
    try {
      if (!mode && slow === '') {
        await moderation.clearOverride(row.space, row.id)
        notify(t('policy.overrideCleared', { name: row.name }))
      } else {
        await moderation.setOverride(row.space, row.id, {
          mode: mode ? (mode as Policy['mode']) : null,
          slow_mode_seconds: slow === '' ? null : Math.max(0, Math.min(3600, Math.round(Number(slow) || 0))),
        })
        notify(t('policy.overrideSaved', { name: row.name }))
      }
    } catch (error) {
      notifyError(error)
    } finally {
      setBusy(false)
    }
  }

  return (
    <li>
      <form class="inline-form override-row" onSubmit={(e) => void save(e)} aria-label={row.name}>
        <strong class="override-name">{row.name}</strong>
        <SelectField
          label={t('policy.modeShort')}
          value={mode}
          onValue={setMode}
          options={[{ value: '', label: t('policy.followProject') }, ...MODES.map((m) => ({ value: m, label: t(`policy.mode.${m}`) }))]}
        />
        <Field label={t('policy.slowModeShort')} type="number" min={0} max={3600} value={slow} onValue={setSlow} placeholder={t('policy.followProject')} />
        <button type="submit" class="btn" disabled={busy} aria-label={`${t('action.save')}: ${row.name}`}>
          {t('action.save')}
        </button>
      </form>
    </li>
  )
}
