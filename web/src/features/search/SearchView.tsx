// Search inside a TwinSpace: one field, results as you type (debounced), matched words marked.
import type { JSX } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { errorText } from '../../components/ui'
import { t } from '../../i18n'
import { Link } from '../../lib/router'
import { searchProject, type SearchResult, type SearchResults, type Segment } from './api'

const DEBOUNCE_MS = 250

function Marked({ segments }: { segments: Segment[] }): JSX.Element {
  return <>{segments.map((s, i) => (s.match ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}</>
}

function href(base: string, result: SearchResult): string {
  if (result.space_kind === 'page') return `${base}/pages/${result.space_id}`
  if (result.space_kind === 'channel') return `${base}/chat/${result.space_id}`
  return `${base}/boards/${result.space_id}`
}

export function SearchView({ projectId }: { projectId: number }): JSX.Element {
  const [query, setQuery] = useState('')
  const [found, setFound] = useState<SearchResults | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    const text = query.trim()
    if (!text) {
      setFound(null)
      setError(null)
      return
    }
    let current = true
    const timer = window.setTimeout(() => {
      setBusy(true)
      searchProject(projectId, text)
        .then((answer) => {
          if (!current) return
          setFound(answer)
          setError(null)
        })
        .catch((e: unknown) => current && setError(errorText(e)))
        .finally(() => current && setBusy(false))
    }, DEBOUNCE_MS)
    return () => {
      current = false
      window.clearTimeout(timer)
    }
  }, [projectId, query])

  const base = `/projects/${projectId}`
  return (
    <section class="search" aria-labelledby="search-title">
      <h2 id="search-title">{t('search.title')}</h2>
      <form role="search" onSubmit={(e) => e.preventDefault()}>
        <label for="search-field">{t('search.label')}</label>
        <input
          id="search-field"
          type="search"
          value={query}
          autoComplete="off"
          placeholder={t('search.placeholder')}
          onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
          data-testid="search-field"
        />
      </form>
      <div aria-live="polite" data-testid="search-status">
        {error && <p class="error">{error}</p>}
        {busy && !found && <p>{t('search.searching')}</p>}
        {found && found.results.length === 0 && <p>{t('search.none')}</p>}
      </div>
      {found && found.results.length > 0 && (
        <ol class="search-results" data-testid="search-results">
          {found.results.map((r) => (
            <li key={`${r.kind}-${r.id}`} data-kind={r.kind}>
              <span class="chip">{t(`search.kind.${r.kind}`)}</span>{' '}
              <Link href={href(base, r)}>{r.title.length ? <Marked segments={r.title} /> : r.space_name}</Link>
              {r.status !== 'published' && <span class="chip chip-warn">{t(`search.status.${r.status}`)}</span>}
              <p class="snippet">
                <Marked segments={r.snippet} />
              </p>
              <p class="meta">
                {r.space_name}
                {r.author && ` · ${r.author.display_name}`}
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
