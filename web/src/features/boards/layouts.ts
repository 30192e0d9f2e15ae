// How a board lays out its posts (BoardSettings.layout, chosen by its teachers).
import type { Post } from '../../types'

export type BoardLayout = 'columns' | 'wall' | 'grid' | 'timeline'

export const LAYOUTS: readonly BoardLayout[] = ['columns', 'wall', 'grid', 'timeline']

/** Whether posts can be moved by hand: a timeline is ordered by date. */
export function movableIn(layout: BoardLayout): boolean {
  return layout !== 'timeline'
}

/** The reading order of a wall or grid: the columns' order, then each column's. */
export function flowOrder(posts: Post[], sectionOrder: number[], unsorted: number): Post[] {
  const rank = new Map(sectionOrder.map((id, index) => [id, index]))
  const sectionRank = (post: Post): number => rank.get(post.section_id ?? unsorted) ?? -1
  return posts.slice().sort((a, b) => sectionRank(a) - sectionRank(b) || a.position - b.position || a.id - b.id)
}

/** A timeline's order: oldest first. */
export function timelineOrder(posts: Post[]): Post[] {
  return posts.slice().sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id)
}
