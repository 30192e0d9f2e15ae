import type { ComponentChildren, JSX } from 'preact'
import { useLayoutEffect, useRef } from 'preact/hooks'

/** A table that reflows into one card per row on phones (styles.css, `.reflow`): each cell is
 * labelled with its column's header, read from the rendered header row after every render. */
export function ReflowTable({ class: className, children }: { class?: string; children: ComponentChildren }): JSX.Element {
  const ref = useRef<HTMLTableElement>(null)
  useLayoutEffect(() => {
    const table = ref.current
    if (!table) return
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent?.trim() ?? '')
    for (const row of table.querySelectorAll('tbody tr')) {
      ;[...row.children].forEach((cell, index) => {
        const label = headers[index] ?? ''
        if ((cell as HTMLElement).dataset.label !== label) (cell as HTMLElement).dataset.label = label
      })
    }
  })
  return (
    <table ref={ref} class={`table reflow ${className ?? ''}`}>
      {children}
    </table>
  )
}
