// The call's HTTP side (docs/events-protocol.md, "Calls"): ICE servers with a short-lived TURN
// credential, and who is in the call before joining. Shapes come from the generated API types.
import { request } from '../../api'
import type { components } from '../../api/schema'
import type { CallEndpointView, CallRosterView } from '../../api/events'

type Schemas = components['schemas']
export type IceConfig = Schemas['IceConfigView']
export type CallRoster = CallRosterView
export type CallEndpoint = CallEndpointView

export function iceConfig(sessionId: number): Promise<IceConfig> {
  return request<IceConfig>('GET', `/live-sessions/${sessionId}/call/ice`)
}

export function callRoster(sessionId: number): Promise<CallRoster> {
  return request<CallRoster>('GET', `/live-sessions/${sessionId}/call`)
}

/** The RTCPeerConnection configuration the server hands out. */
export function rtcConfiguration(config: IceConfig): RTCConfiguration {
  return {
    iceServers: config.ice_servers.map((server) => ({
      urls: server.urls,
      ...(server.username ? { username: server.username } : {}),
      ...(server.credential ? { credential: server.credential } : {}),
    })),
    iceTransportPolicy: config.ice_transport_policy,
  }
}
