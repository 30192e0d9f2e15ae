// A mesh of RTCPeerConnections, one per other device in the session's call, negotiated with
// the "perfect negotiation" pattern (W3C WebRTC 1.0, §10.x example; docs/events-protocol.md,
// "Calls"): either side may (re)offer at any time; on a collision the polite side rolls back
// and the impolite side ignores the other's offer. Signals travel over the project socket as
// `call.signal`; the server names the sender. One side of each pair (the lower endpoint id)
// creates the audio and video transceivers, so each pair has exactly one of each.
import type { CallSignalled } from '../../../api/events'
import type { ProjectSocket } from '../../../lib/events'

export interface RemoteMedia {
  stream: MediaStream
  state: RTCPeerConnectionState
}

interface Peer {
  pc: RTCPeerConnection
  polite: boolean
  makingOffer: boolean
  ignoreOffer: boolean
  queue: Promise<void>
  stream: MediaStream
}

export class Mesh {
  private readonly peers = new Map<string, Peer>()
  private local: MediaStream | null = null
  private screen: MediaStreamTrack | null = null
  onChange: () => void = () => undefined

  constructor(
    private readonly socket: ProjectSocket,
    private readonly sessionId: number,
    readonly myId: string,
    private readonly config: RTCConfiguration,
  ) {}

  /** Camera and microphone (or part of them, or nothing: receive only). */
  setLocal(stream: MediaStream | null): void {
    this.local = stream
    for (const peer of this.peers.values()) this.attach(peer)
  }

  /** Keep one connection per other endpoint in the roster; close the others. */
  sync(endpointIds: string[]): void {
    const wanted = new Set(endpointIds.filter((id) => id !== this.myId))
    for (const [id, peer] of this.peers) {
      if (!wanted.has(id)) {
        peer.pc.close()
        this.peers.delete(id)
      }
    }
    for (const id of wanted) if (!this.peers.has(id)) this.open(id)
    this.onChange()
  }

  remote(endpointId: string): RemoteMedia | null {
    const peer = this.peers.get(endpointId)
    return peer ? { stream: peer.stream, state: peer.pc.connectionState } : null
  }

  private send(to: string, body: { description?: RTCSessionDescriptionInit; candidate?: RTCIceCandidateInit }): void {
    const message: Record<string, unknown> = { type: 'call.signal', session_id: this.sessionId, to }
    if (body.description) message.description = { type: body.description.type, sdp: body.description.sdp ?? '' }
    if (body.candidate) {
      const { candidate, sdpMid, sdpMLineIndex, usernameFragment } = body.candidate
      message.candidate = {
        candidate: candidate ?? '',
        ...(sdpMid != null ? { sdpMid } : {}),
        ...(sdpMLineIndex != null ? { sdpMLineIndex } : {}),
        ...(usernameFragment != null ? { usernameFragment } : {}),
      }
    }
    // the generated ClientMessage type is checked by the server; the shape above is CallSignal
    this.socket.send(message as never)
  }

  private open(id: string): Peer {
    const pc = new RTCPeerConnection(this.config)
    const peer: Peer = {
      pc,
      polite: this.myId > id,
      makingOffer: false,
      ignoreOffer: false,
      queue: Promise.resolve(),
      stream: new MediaStream(),
    }
    this.peers.set(id, peer)
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) this.send(id, { candidate: candidate.toJSON() })
    }
    pc.onnegotiationneeded = async () => {
      try {
        peer.makingOffer = true
        await pc.setLocalDescription()
        if (pc.localDescription) this.send(id, { description: pc.localDescription })
      } catch (error) {
        console.warn('offer failed', error)
      } finally {
        peer.makingOffer = false
      }
    }
    pc.ontrack = ({ track }) => {
      peer.stream.addTrack(track)
      track.onended = () => {
        peer.stream.removeTrack(track)
        this.onChange()
      }
      this.onChange()
    }
    pc.onconnectionstatechange = () => this.onChange()
    if (this.myId < id) {
      // this side makes the pair's transceivers: sending what it has, receiving in any case
      const audio = this.local?.getAudioTracks()[0]
      const video = this.screen ?? this.local?.getVideoTracks()[0]
      pc.addTransceiver(audio ?? 'audio', { direction: audio ? 'sendrecv' : 'recvonly', streams: this.local ? [this.local] : [] })
      pc.addTransceiver(video ?? 'video', { direction: video ? 'sendrecv' : 'recvonly', streams: this.local ? [this.local] : [] })
    }
    return peer
  }

  /** Put local tracks on the transceivers the pair already has (the answering side). */
  private attach(peer: Peer): void {
    for (const transceiver of peer.pc.getTransceivers()) {
      if (transceiver.currentDirection === 'stopped') continue
      const kind = transceiver.receiver.track.kind
      const track = kind === 'video' ? (this.screen ?? this.local?.getVideoTracks()[0]) : this.local?.getAudioTracks()[0]
      if (track && transceiver.sender.track !== track) {
        void transceiver.sender.replaceTrack(track)
        if (this.local) transceiver.sender.setStreams?.(this.local)
      }
      if (track && transceiver.direction === 'recvonly') transceiver.direction = 'sendrecv'
    }
  }

  /** A signal from another endpoint, handled in arrival order per endpoint. */
  receive(signal: CallSignalled): void {
    const peer = this.peers.get(signal.from) ?? this.open(signal.from)
    peer.queue = peer.queue.then(() => this.handle(peer, signal)).catch((error) => console.warn('signal failed', error))
  }

  private async handle(peer: Peer, signal: CallSignalled): Promise<void> {
    const { pc } = peer
    if (signal.description) {
      const description = signal.description as RTCSessionDescriptionInit
      const collision = description.type === 'offer' && (peer.makingOffer || pc.signalingState !== 'stable')
      peer.ignoreOffer = !peer.polite && collision
      if (peer.ignoreOffer) return
      await pc.setRemoteDescription(description) // a polite side rolls back its own offer here
      if (description.type === 'offer') {
        this.attach(peer)
        await pc.setLocalDescription()
        if (pc.localDescription) this.send(signal.from, { description: pc.localDescription })
      }
    } else if (signal.candidate) {
      try {
        await pc.addIceCandidate(signal.candidate)
      } catch (error) {
        if (!peer.ignoreOffer) throw error
      }
    }
  }

  /** Share a screen instead of the camera on every connection (no renegotiation). */
  async shareScreen(track: MediaStreamTrack | null): Promise<void> {
    this.screen = track
    const camera = this.local?.getVideoTracks()[0] ?? null
    for (const peer of this.peers.values()) {
      for (const transceiver of peer.pc.getTransceivers()) {
        if (transceiver.receiver.track.kind !== 'video' || transceiver.currentDirection === 'stopped') continue
        await transceiver.sender.replaceTrack(track ?? camera)
        if (track && transceiver.direction === 'recvonly') transceiver.direction = 'sendrecv'
      }
    }
  }

  close(): void {
    for (const peer of this.peers.values()) peer.pc.close()
    this.peers.clear()
  }
}
