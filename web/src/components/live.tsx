// Notices for pupils about why they cannot write right now: a live session's rules and a mute.
import type { JSX } from 'preact'
import { formatWhen, t } from '../i18n'
import type { SpaceBlock } from '../lib/projectLive'
import { useProjectLive } from '../lib/projectLive'
import { Link } from '../lib/router'

export function spaceBlockText(block: SpaceBlock): string {
  if (block.code === 'consent-required') return t('consent.block')
  const title = block.session.title
  switch (block.code) {
    case 'session-not-joined':
      return t('session.block.notJoined', { title })
    case 'session-read-only':
      return t('session.block.readOnly')
    case 'session-not-live':
      return t('session.block.notLive', { title, when: formatWhen(block.session.starts_at.utc) })
    default:
      return t('session.block.ended', { title })
  }
}

export function SpaceBlockNotice({ block }: { block: SpaceBlock }): JSX.Element {
  return (
    <p class={`notice space-block block-${block.code}`} role="status" data-testid="space-block" data-code={block.code}>
      {spaceBlockText(block)}
      {block.code === 'session-not-joined' && 'session' in block && (
        <>
          {' '}
          <Link href={`/projects/${block.session.project_id}/sessions/${block.session.id}`}>{t('session.goJoin')}</Link>
        </>
      )}
    </p>
  )
}

/** A pupil's own mute, shown at the top of the TwinSpace while it lasts. */
export function MuteBanner(): JSX.Element | null {
  const { mute } = useProjectLive()
  if (!mute) return null
  return (
    <p class="notice mute-banner" role="status" data-testid="mute-banner">
      {t('problem.muted', { when: formatWhen(mute.until) })}
      {mute.reason ? ` ${t('problem.reasonWas', { reason: mute.reason })}` : ''}
    </p>
  )
}

/** A pupil whose guardian's consent is not recorded yet: a kind word at the top of the
 * TwinSpace (reading stays open; every writing control says why it waits). */
export function ConsentBanner(): JSX.Element | null {
  const { consent } = useProjectLive()
  if (!consent || consent.may_post) return null
  return (
    <div class="notice consent-banner" role="status" data-testid="consent-banner">
      <strong>{t('consent.bannerTitle')}</strong> {t('consent.bannerText')}
    </div>
  )
}
