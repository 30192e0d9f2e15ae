// A tiny history-API router: the server answers unknown paths with index.html (SPA fallback).
import type { ComponentChildren, JSX, TargetedMouseEvent } from 'preact'
import { useEffect, useState } from 'preact/hooks'

type Listener = () => void
const listeners = new Set<Listener>()

export function currentPath(): string {
  return location.pathname
}

export function navigate(path: string, replace = false): void {
  if (path === location.pathname + location.search) return
  if (replace) history.replaceState(null, '', path)
  else history.pushState(null, '', path)
  for (const listener of listeners) listener()
}

window.addEventListener('popstate', () => {
  for (const listener of listeners) listener()
})

export function usePath(): string {
  const [path, setPath] = useState(currentPath())
  useEffect(() => {
    const update = (): void => setPath(currentPath())
    listeners.add(update)
    return () => {
      listeners.delete(update)
    }
  }, [])
  return path
}

/** `match('/projects/:id/pages/:pageId?', path)` → params, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const parts = pattern.split('/').filter(Boolean)
  const segments = path.split('/').filter(Boolean)
  const params: Record<string, string> = {}
  let i = 0
  for (const part of parts) {
    const optional = part.endsWith('?')
    const name = optional ? part.slice(1, -1) : part.slice(1)
    const segment = segments[i]
    if (part.startsWith(':')) {
      if (segment === undefined) {
        if (optional) continue
        return null
      }
      params[name] = decodeURIComponent(segment)
    } else if (segment !== part) {
      return null
    }
    i += 1
  }
  return i === segments.length ? params : null
}

interface AnchorProps {
  href: string
  children?: ComponentChildren
  class?: string
  'aria-current'?: 'page' | undefined
  'data-testid'?: string
  onClick?: (event: TargetedMouseEvent<HTMLAnchorElement>) => void
}

export function Link({ href, children, onClick, ...rest }: AnchorProps): JSX.Element {
  const current = currentPath() === href
  return (
    <a
      href={href}
      aria-current={current ? 'page' : undefined}
      onClick={(event: TargetedMouseEvent<HTMLAnchorElement>) => {
        onClick?.(event)
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return
        event.preventDefault()
        navigate(href)
      }}
      {...rest}
    >
      {children}
    </a>
  )
}
