// The search endpoint of one TwinSpace (GET /api/v1/projects/{id}/search).
import { request } from '../../api'

export interface Segment {
  text: string
  match: boolean
}

export type ResultKind = 'page' | 'message' | 'post' | 'comment' | 'file'

export interface SearchResult {
  kind: ResultKind
  id: number
  title: Segment[]
  snippet: Segment[]
  space_kind: 'page' | 'channel' | 'board'
  space_id: number
  space_name: string
  parent_id: number | null
  room: string | null
  author: { id: number; display_name: string } | null
  status: 'published' | 'held' | 'blocked' | 'rejected' | 'hidden'
  updated_at: string
}

export interface SearchResults {
  query: string
  results: SearchResult[]
}

export function searchProject(projectId: number, q: string): Promise<SearchResults> {
  return request<SearchResults>('GET', `/projects/${projectId}/search`, undefined, { q })
}
