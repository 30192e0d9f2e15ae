// Pupil accounts of the teacher's school: classes, new accounts, password resets and the
// printable sign-in cards (the generated passwords are shown once, so cards are printed now).
// Only the teachers of a class manage its pupils: the server says so per class and per pupil
// (`can_manage`), and only they see the actions.
import type { JSX } from 'preact'
import { Icon } from '../components/Icon'
import { useState } from 'preact/hooks'
import { consent as consentApi, privacy, registry } from '../api'
import { AreaField, Dialog, Empty, Field, Loading, SelectField, notify, notifyError, useLoad } from '../components/ui'
import { t, tn } from '../i18n'
import type { Person, PupilCredentials, User } from '../types'
import { ClassPrintables, ConsentBadge, ConsentDialog } from './PupilConsent'

export function PupilAccounts({ user }: { user: User }): JSX.Element {
  const classes = useLoad(() => registry.classes(), [])
  const [classId, setClassId] = useState('')
  const chosen = classId || String(classes.data?.[0]?.id ?? '')
  const pupils = useLoad(() => (chosen ? registry.pupils(Number(chosen)) : Promise.resolve([])), [chosen])
  const teachers = useLoad(() => (chosen ? registry.classTeachers(Number(chosen)) : Promise.resolve([])), [chosen])
  const [names, setNames] = useState('')
  const [newClass, setNewClass] = useState('')
  const [cards, setCards] = useState<PupilCredentials[]>([])
  const [erasing, setErasing] = useState<Person | null>(null)
  const [consenting, setConsenting] = useState<Person | null>(null)
  const chosenClass = classes.data?.find((c) => String(c.id) === chosen)
  const className = chosenClass?.name ?? ''
  const manages = chosenClass?.can_manage ?? false
  const consents = useLoad(() => (chosen && manages ? consentApi.ofClass(Number(chosen)) : Promise.resolve([])), [chosen, manages])
  const consentOf = new Map((consents.data ?? []).map((c) => [c.pupil_id, c]))

  if (user.kind !== 'teacher') return <p class="notice">{t('error.forbidden')}</p>

  async function createClass(event: Event): Promise<void> {
    event.preventDefault()
    try {
      const created = await registry.createClass(newClass.trim())
      setNewClass('')
      classes.reload()
      setClassId(String(created.id))
    } catch (error) {
      notifyError(error)
    }
  }

  async function createPupils(event: Event): Promise<void> {
    event.preventDefault()
    const list = names
      .split('\n')
      .map((n) => n.trim())
      .filter(Boolean)
    if (!list.length || !chosen) return
    try {
      const created = await registry.createPupils(Number(chosen), list)
      setCards(created)
      setNames('')
      pupils.reload()
      consents.reload()
    } catch (error) {
      notifyError(error)
    }
  }

  async function reset(pupilId: number): Promise<void> {
    if (!window.confirm(t('pupils.confirmReset'))) return
    try {
      const fresh = await registry.resetPupil(pupilId)
      setCards([fresh])
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <div class="page pupils">
      <h1 class="no-print">{t('pupils.heading')}</h1>
      <div class="grid-2 no-print">
        <section aria-labelledby="classes-heading">
          <h2 id="classes-heading">{t('pupils.classes')}</h2>
          <Loading data={classes} />
          {classes.data && classes.data.length === 0 && <Empty>{t('pupils.noClasses')}</Empty>}
          {classes.data && classes.data.length > 0 && (
            <SelectField label={t('pupils.class')} value={chosen} onValue={setClassId} options={classes.data.map((c) => ({ value: String(c.id), label: c.name }))} />
          )}
          <form class="inline-form" onSubmit={(e) => void createClass(e)}>
            <Field label={t('pupils.newClass')} value={newClass} onValue={setNewClass} required maxLength={60} />
            <button type="submit" class="btn">
              {t('action.create')}
            </button>
          </form>
          {chosen && (
            <>
              <h3>{t('pupils.inClass', { name: className })}</h3>
              {teachers.data && teachers.data.length > 0 && (
                <p class="muted small" data-testid="class-teachers">
                  {t('pupils.classTeachers', { names: teachers.data.map((p) => p.display_name).join(', ') })}
                </p>
              )}
              {!manages && <p class="notice">{t('pupils.notYourClass')}</p>}
              {manages && <AddColleague classId={Number(chosen)} onAdded={() => teachers.reload()} />}
              {manages && <ClassPrintables classId={Number(chosen)} />}
              <Loading data={pupils} />
              <ul class="list">
                {pupils.data?.map((p) => (
                  <li key={p.id} class="row" data-user-id={p.id}>
                    <span>
                      {p.display_name} {p.can_manage && <ConsentBadge summary={consentOf.get(p.id)} />}
                    </span>
                    {p.can_manage && (
                    <span class="actions">
                      <button type="button" class="btn btn-small" onClick={() => setConsenting(p)} aria-label={`${t('consent.manage')}: ${p.display_name}`}>
                        {t('consent.manage')}
                      </button>
                      <button type="button" class="btn btn-small" onClick={() => void reset(p.id)} aria-label={`${t('pupils.reset')}: ${p.display_name}`}>
                        {t('pupils.reset')}
                      </button>
                      <a class="btn btn-small" href={privacy.exportUrl(p.id)} download aria-label={`${t('pupils.export')}: ${p.display_name}`}>
                        {t('pupils.export')}
                      </a>
                      <button type="button" class="btn btn-small btn-danger" onClick={() => setErasing(p)} aria-label={`${t('pupils.erase')}: ${p.display_name}`}>
                        {t('pupils.erase')}
                      </button>
                    </span>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
        <section aria-labelledby="new-pupils-heading">
          <h2 id="new-pupils-heading">{t('pupils.create')}</h2>
          <form onSubmit={(e) => void createPupils(e)}>
            <AreaField label={t('pupils.namesLabel')} value={names} onValue={setNames} rows={6} />
            <p class="hint">{t('pupils.namesHint')}</p>
            <button type="submit" class="btn btn-primary" disabled={!chosen || !manages || !names.trim()}>
              {t('pupils.createButton')}
            </button>
          </form>
        </section>
      </div>
      {consenting && (
        <ConsentDialog pupil={consenting} classId={Number(chosen)} onClose={() => setConsenting(null)} onChanged={() => consents.reload()} />
      )}
      {erasing && (
        <EraseDialog
          pupil={erasing}
          onClose={() => setErasing(null)}
          onDone={() => {
            setErasing(null)
            pupils.reload()
          }}
        />
      )}
      {cards.length > 0 && (
        <section aria-labelledby="cards-heading" class="cards-section">
          <div class="row no-print">
            <h2 id="cards-heading">{tn('pupils.cardsReady', cards.length)}</h2>
            <button type="button" class="btn btn-primary" onClick={() => window.print()}>
              {t('pupils.print')}
            </button>
          </div>
          <p class="notice no-print">{t('pupils.onceOnly')}</p>
          <ul class="signin-cards" data-testid="signin-cards">
            {cards.map((card) => (
              <li key={card.user.id} class="signin-card-print">
                <p class="card-brand">
                  <Icon name="globe" /> TwinSpaces
                </p>
                <p class="card-name">{card.user.display_name}</p>
                <dl>
                  <dt>{t('signin.username')}</dt>
                  <dd class="mono">{card.user.username}</dd>
                  <dt>{t('signin.password')}</dt>
                  <dd class="mono">{card.password}</dd>
                  <dt>{t('pupils.address')}</dt>
                  <dd class="mono address">{location.origin}</dd>
                </dl>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  )
}

function AddColleague({ classId, onAdded }: { classId: number; onAdded: () => void }): JSX.Element | null {
  const colleagues = useLoad(() => registry.classColleagues(classId), [classId])
  const [chosen, setChosen] = useState('')
  if (!colleagues.data || colleagues.data.length === 0) return null
  const pick = chosen || String(colleagues.data[0]?.id ?? '')

  async function add(event: Event): Promise<void> {
    event.preventDefault()
    try {
      await registry.addClassTeacher(classId, Number(pick))
      setChosen('')
      colleagues.reload()
      onAdded()
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <form class="inline-form" onSubmit={(e) => void add(e)}>
      <SelectField label={t('pupils.addColleague')} value={pick} onValue={setChosen} options={colleagues.data.map((p) => ({ value: String(p.id), label: p.display_name }))} />
      <button type="submit" class="btn">
        {t('pupils.addColleagueButton')}
      </button>
    </form>
  )
}

function EraseDialog({ pupil, onClose, onDone }: { pupil: Person; onClose: () => void; onDone: () => void }): JSX.Element {
  const [content, setContent] = useState<'anonymise' | 'delete'>('anonymise')
  const [sure, setSure] = useState(false)
  const [busy, setBusy] = useState(false)

  async function erase(event: Event): Promise<void> {
    event.preventDefault()
    if (!sure) return
    setBusy(true)
    try {
      await privacy.erase(pupil.id, content)
      notify(t('pupils.erased', { name: pupil.display_name }))
      onDone()
    } catch (error) {
      notifyError(error)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog open title={t('pupils.eraseTitle', { name: pupil.display_name })} onClose={onClose}>
      <form onSubmit={(e) => void erase(e)}>
        <p>{t('pupils.eraseIntro')}</p>
        <p class="hint">
          <a href={privacy.exportUrl(pupil.id)} download>
            {t('pupils.exportFirst')}
          </a>
        </p>
        <fieldset class="choices">
          <legend>{t('pupils.eraseContent')}</legend>
          <label class="choice">
            <input type="radio" name="erase-content" value="anonymise" checked={content === 'anonymise'} onChange={() => setContent('anonymise')} />
            <span>
              <strong>{t('pupils.anonymise')}</strong>
              <span class="muted small"> — {t('pupils.anonymiseHint')}</span>
            </span>
          </label>
          <label class="choice">
            <input type="radio" name="erase-content" value="delete" checked={content === 'delete'} onChange={() => setContent('delete')} />
            <span>
              <strong>{t('pupils.deleteContent')}</strong>
              <span class="muted small"> — {t('pupils.deleteContentHint')}</span>
            </span>
          </label>
        </fieldset>
        <label class="check">
          <input type="checkbox" checked={sure} onChange={(e) => setSure(e.currentTarget.checked)} />
          {t('pupils.eraseSure', { name: pupil.display_name })}
        </label>
        <div class="actions">
          <button type="submit" class="btn btn-danger" disabled={!sure || busy}>
            {t('pupils.eraseButton', { name: pupil.display_name })}
          </button>
          <button type="button" class="btn" onClick={onClose}>
            {t('action.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
