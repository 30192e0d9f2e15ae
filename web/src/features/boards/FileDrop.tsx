import type { ComponentChildren, JSX } from 'preact'
import { useState } from 'preact/hooks'
import { boards as boardsApi, uploadMedia } from '../../api'
import { errorText } from '../../components/ui'
import { t } from '../../i18n'
import type { Post, PostKind } from '../../types'

interface Upload {
  id: number
  name: string
  progress: number // 0..1
  problem: string | null
}

let nextUpload = 1

/** Files dropped (or pasted) onto a board become posts, each with its upload progress. */
export function FileDrop({
  boardId,
  sectionId,
  enabled,
  onPosted,
  children,
}: {
  boardId: number
  sectionId: number | null
  enabled: boolean
  onPosted: (post: Post) => void
  children: ComponentChildren
}): JSX.Element {
  const [over, setOver] = useState(false)
  const [uploads, setUploads] = useState<Upload[]>([])

  const change = (id: number, patch: Partial<Upload>): void =>
    setUploads((list) => list.map((u) => (u.id === id ? { ...u, ...patch } : u)))

  async function send(file: File): Promise<void> {
    const id = nextUpload++
    setUploads((list) => [...list, { id, name: file.name || t('boards.pastedImage'), progress: 0, problem: null }])
    try {
      const media = await uploadMedia(boardId, file, (p) => change(id, { progress: p.total ? p.loaded / p.total : 0 }))
      const kind: PostKind = media.kind === 'image' || media.kind === 'video' || media.kind === 'audio' ? media.kind : 'file'
      const post = await boardsApi.createPost(boardId, { kind, title: '', section_id: sectionId, media_id: media.id })
      setUploads((list) => list.filter((u) => u.id !== id))
      onPosted(post)
    } catch (failure) {
      change(id, { problem: errorText(failure) })
    }
  }

  const hasFiles = (e: DragEvent): boolean => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files')

  return (
    <section
      aria-label={t('boards.posts')}
      class={`file-drop ${over ? 'file-drop-over' : ''}`}
      data-testid="board-drop"
      onDragOver={(e: DragEvent) => {
        if (!enabled || !hasFiles(e)) return
        e.preventDefault()
        setOver(true)
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e: DragEvent) => {
        if (!enabled || !hasFiles(e)) return
        e.preventDefault()
        setOver(false)
        for (const file of [...(e.dataTransfer?.files ?? [])]) void send(file)
      }}
      onPaste={(e: ClipboardEvent) => {
        if (!enabled) return
        const target = e.target as HTMLElement | null
        if (target?.closest('input, textarea, [contenteditable="true"]')) return // pasting text
        const files = [...(e.clipboardData?.files ?? [])]
        if (files.length === 0) return
        e.preventDefault()
        for (const file of files) void send(file)
      }}
    >
      {over && <p class="file-drop-hint">{t('boards.dropHere')}</p>}
      {uploads.length > 0 && (
        <ul class="uploads" aria-label={t('boards.uploads')} data-testid="board-uploads">
          {uploads.map((u) => (
            <li key={u.id}>
              <span>{u.name}</span>{' '}
              {u.problem ? (
                <>
                  <span class="form-error">{u.problem}</span>{' '}
                  <button type="button" class="btn btn-quiet btn-small" onClick={() => setUploads((list) => list.filter((x) => x.id !== u.id))}>
                    {t('action.close')}
                  </button>
                </>
              ) : (
                <progress max={1} value={u.progress} aria-label={t('boards.uploadProgress', { name: u.name })} />
              )}
            </li>
          ))}
        </ul>
      )}
      {children}
    </section>
  )
}
