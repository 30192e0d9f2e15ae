// The search endpoint of one TwinSpace (GET /api/v1/projects/{id}/search); its shapes come
// from the generated API types.
import { request } from '../../api'
import type { components } from '../../api/schema'

type Schemas = components['schemas']
export type Segment = Schemas['Segment']
export type SearchResult = Schemas['SearchResultView']
export type SearchResults = Schemas['SearchResultsView']

export function searchProject(projectId: number, q: string): Promise<SearchResults> {
  return request<SearchResults>('GET', `/projects/${projectId}/search`, undefined, { q })
}
