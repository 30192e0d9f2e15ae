// "Start a TwinSpace": found a European or national project with co-founders who must accept
// (POST /projects; docs/design.md, "Founding").
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { projects as projectsApi, registry } from '../../api'
import { AreaField, Dialog, Field, Loading, SelectField, notify, notifyError, useLoad } from '../../components/ui'
import { countryName, subjectName, t } from '../../i18n'
import { navigate } from '../../lib/router'
import type { TeacherOut, User } from '../../types'

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

export function FoundProjectDialog({ user, onClose }: { user: User; onClose: () => void }): JSX.Element {
  const countries = useLoad(() => registry.countries(), [])
  const [kind, setKind] = useState<'european' | 'national'>('european')
  const [form, setForm] = useState({ title: '', description: '', subjects: '', languages: '', age_min: '', age_max: '' })
  const [country, setCountry] = useState('')
  const searchCountry = country || (kind === 'national' ? (user.country ?? '') : '')
  const teachers = useLoad(() => (searchCountry ? registry.partners({ country: searchCountry }) : Promise.resolve([])), [searchCountry])
  const [cofounders, setCofounders] = useState<TeacherOut[]>([])
  const [busy, setBusy] = useState(false)
  const set = (key: keyof typeof form) => (value: string) => setForm({ ...form, [key]: value })
  const foreign = cofounders.some((c) => c.country !== user.country)

  async function submit(event: Event): Promise<void> {
    event.preventDefault()
    if (kind === 'european' && !foreign) {
      notify(t('found.needsCofounder'), 'error')
      return
    }
    setBusy(true)
    try {
      const project = await projectsApi.found({
        kind,
        title: form.title.trim(),
        description: form.description,
        subjects: list(form.subjects),
        languages: list(form.languages),
        age_min: form.age_min ? Number(form.age_min) : null,
        age_max: form.age_max ? Number(form.age_max) : null,
        cofounder_ids: cofounders.map((c) => c.id),
      })
      notify(t('found.created', { title: project.title }))
      onClose()
      navigate(`/projects/${project.id}`)
    } catch (error) {
      notifyError(error)
    } finally {
      setBusy(false)
    }
  }

  const candidates = (teachers.data ?? []).filter((c) => c.id !== user.id && !cofounders.some((chosen) => chosen.id === c.id))
  return (
    <Dialog open wide title={t('found.heading')} onClose={onClose}>
      <form class="found-project" onSubmit={(e) => void submit(e)}>
        <fieldset>
          <legend>{t('found.kind')}</legend>
          {(['european', 'national'] as const).map((value) => (
            <label key={value} class="radio">
              <input type="radio" name="kind" value={value} checked={kind === value} onChange={() => setKind(value)} /> {t(`found.${value}`)}
            </label>
          ))}
        </fieldset>
        <Field label={t('found.title')} value={form.title} onValue={set('title')} required maxLength={200} />
        <AreaField label={t('found.description')} value={form.description} onValue={set('description')} rows={3} maxLength={10000} />
        <Field label={t('found.subjects')} value={form.subjects} onValue={set('subjects')} hint={t('account.commaHint')} />
        <Field label={t('found.languages')} value={form.languages} onValue={set('languages')} hint={t('partners.languageHint')} />
        <Field label={t('found.ageMin')} type="number" min={0} max={99} value={form.age_min} onValue={set('age_min')} />
        <Field label={t('found.ageMax')} type="number" min={0} max={99} value={form.age_max} onValue={set('age_max')} />
        <fieldset>
          <legend>{t('found.cofounders')}</legend>
          <p class="hint">{t('found.cofoundersHint')}</p>
          {cofounders.length > 0 && (
            <ul class="chips" aria-label={t('found.chosen')}>
              {cofounders.map((c) => (
                <li key={c.id} class="chip">
                  {c.display_name} ({countryName(c.country)}){' '}
                  <button type="button" class="btn btn-small" aria-label={t('found.remove', { name: c.display_name })} onClick={() => setCofounders(cofounders.filter((x) => x.id !== c.id))}>
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
          <SelectField
            label={t('found.findCofounder')}
            value={searchCountry}
            onValue={setCountry}
            options={[{ value: '', label: '—' }, ...(countries.data ?? []).map((c) => ({ value: c.code, label: countryName(c.code) || c.name }))]}
          />
          <Loading data={teachers} />
          {searchCountry && teachers.data && teachers.data.filter((c) => c.id !== user.id).length === 0 && <p class="hint">{t('found.noTeachers')}</p>}
          <ul class="plain-list">
            {candidates.map((c) => (
              <li key={c.id}>
                <button type="button" class="btn" aria-label={t('found.add', { name: c.display_name })} onClick={() => setCofounders([...cofounders, c])}>
                  + {c.display_name}
                </button>{' '}
                <span class="muted">{c.profile.subjects.map(subjectName).join(', ')}</span>
              </li>
            ))}
          </ul>
        </fieldset>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {t('found.submit')}
        </button>
      </form>
    </Dialog>
  )
}
