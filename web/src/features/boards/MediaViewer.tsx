import type { JSX } from 'preact'
import { Dialog } from '../../components/ui'
import { t } from '../../i18n'
import type { Post } from '../../types'

/** A post's image or video, large, in a dialog (Escape or the close button returns focus). */
export function MediaViewer({ post, onClose }: { post: Post | null; onClose: () => void }): JSX.Element {
  const media = post?.media
  const title = post ? post.title || media?.name || t('boards.viewer') : t('boards.viewer')
  return (
    <Dialog open={post !== null && !!media} title={title} onClose={onClose} wide>
      {media?.kind === 'image' && <img class="viewer-image" src={media.url} alt={title} data-testid="media-viewer-image" />}
      {media?.kind === 'video' && (
        <video class="viewer-video" src={media.url} controls autoPlay aria-label={title} data-testid="media-viewer-video" />
      )}
      {media && (
        <p>
          <a href={media.url} target="_blank" rel="noopener noreferrer">
            {t('boards.viewerOriginal')}
          </a>
        </p>
      )}
    </Dialog>
  )
}
