import type { ComponentChildren, JSX } from 'preact'
import { useLayoutEffect, useRef } from 'preact/hooks'

const ITEMS = 'button:not([disabled])'

/** A toolbar that is one tab stop (WAI-ARIA toolbar pattern): Tab enters at the last used
 * button, arrow keys (and Home/End) move between buttons, Tab leaves. Works for buttons that
 * appear and disappear (the table tools). */
export function RovingToolbar({ label, class: className, children }: { label: string; class?: string; children: ComponentChildren }): JSX.Element {
  const ref = useRef<HTMLDivElement>(null)
  const current = useRef(0)

  const items = (): HTMLElement[] => [...(ref.current?.querySelectorAll<HTMLElement>(ITEMS) ?? [])]

  const settle = (): void => {
    const all = items()
    if (all.length === 0) return
    current.current = Math.min(current.current, all.length - 1)
    all.forEach((item, index) => {
      item.tabIndex = index === current.current ? 0 : -1
    })
  }

  useLayoutEffect(settle)

  function onKeyDown(event: KeyboardEvent): void {
    const all = items()
    const at = all.indexOf(event.target as HTMLElement)
    if (at < 0) return
    let next: number
    if (event.key === 'ArrowRight' || event.key === 'ArrowDown') next = (at + 1) % all.length
    else if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') next = (at - 1 + all.length) % all.length
    else if (event.key === 'Home') next = 0
    else if (event.key === 'End') next = all.length - 1
    else return
    event.preventDefault()
    current.current = next
    settle()
    all[next]?.focus()
  }

  function onFocusIn(event: FocusEvent): void {
    const at = items().indexOf(event.target as HTMLElement)
    if (at >= 0 && at !== current.current) {
      current.current = at
      settle()
    }
  }

  return (
    <div ref={ref} class={className ?? 'toolbar'} role="toolbar" aria-label={label} onKeyDown={onKeyDown} onFocusIn={onFocusIn}>
      {children}
    </div>
  )
}
