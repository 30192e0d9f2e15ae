// The session's call as component state: the roster (who is live), this device's endpoint,
// its camera/microphone/screen, the peers' media, and what went wrong in words a teacher
// understands. Media problems degrade the call instead of ending it: no camera → audio only,
// nothing allowed → receive only.
import { useEffect, useRef, useState } from 'preact/hooks'
import type { CallCommand, ErrorReply } from '../../../api/events'
import { useEvent, type ProjectSocket } from '../../../lib/events'
import { callRoster, iceConfig, rtcConfiguration, type CallEndpoint, type CallRoster } from '../api'
import { Mesh } from './mesh'

export type MediaProblem = 'camera-denied' | 'camera-missing' | 'microphone-denied' | 'no-devices' | 'insecure'
export type Phase = 'idle' | 'joining' | 'in-call'

export interface CallState {
  roster: CallRoster | null
  phase: Phase
  myId: string | null
  local: MediaStream | null
  audio: boolean
  video: boolean
  screen: boolean
  problem: MediaProblem | null
  refusal: string | null
  /** the values of a precise refusal code (`problem` of the error frame, docs/i18n.md) */
  refusalValues: Record<string, unknown>
  controlledBy: string | null
  mesh: Mesh | null
  version: number
  join: (publish: boolean, kind?: 'teacher' | 'classroom') => Promise<void>
  leave: () => void
  toggleAudio: () => void
  toggleVideo: () => void
  toggleScreen: () => Promise<void>
  control: (endpoint: CallEndpoint, what: 'audio' | 'video') => void
  permit: (classId: number, allowed: boolean) => void
}

function problemOf(error: unknown, kind: 'camera' | 'microphone'): MediaProblem {
  const name = error instanceof DOMException ? error.name : ''
  if (name === 'NotAllowedError' || name === 'SecurityError') return kind === 'camera' ? 'camera-denied' : 'microphone-denied'
  return kind === 'camera' ? 'camera-missing' : 'no-devices'
}

/** Camera and microphone if possible, else whatever works, else nothing; and why not. */
async function localMedia(): Promise<{ stream: MediaStream | null; problem: MediaProblem | null }> {
  if (!navigator.mediaDevices?.getUserMedia) return { stream: null, problem: 'insecure' }
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } }), problem: null }
  } catch (error) {
    const camera = problemOf(error, 'camera')
    try {
      return { stream: await navigator.mediaDevices.getUserMedia({ audio: true }), problem: camera }
    } catch (second) {
      return { stream: null, problem: problemOf(second, 'microphone') === 'microphone-denied' ? 'microphone-denied' : 'no-devices' }
    }
  }
}

export function useCall(socket: ProjectSocket | null, sessionId: number): CallState {
  const [roster, setRoster] = useState<CallRoster | null>(null)
  const [phase, setPhase] = useState<Phase>('idle')
  const [myId, setMyId] = useState<string | null>(null)
  const [local, setLocal] = useState<MediaStream | null>(null)
  const [audio, setAudio] = useState(false)
  const [video, setVideo] = useState(false)
  const [screen, setScreen] = useState(false)
  const [problem, setProblem] = useState<MediaProblem | null>(null)
  const [refusal, setRefusal] = useState<string | null>(null)
  const [refusalValues, setRefusalValues] = useState<Record<string, unknown>>({})
  const [controlledBy, setControlledBy] = useState<string | null>(null)
  const [version, setVersion] = useState(0)
  const mesh = useRef<Mesh | null>(null)
  const config = useRef<RTCConfiguration>({})
  const pendingLocal = useRef<MediaStream | null>(null)
  const screenTrack = useRef<MediaStreamTrack | null>(null)
  const joinedAs = useRef<'teacher' | 'classroom' | undefined>(undefined)

  useEffect(() => {
    let cancelled = false
    callRoster(sessionId).then(
      (found) => !cancelled && setRoster(found),
      () => undefined,
    )
    return () => {
      cancelled = true
    }
  }, [sessionId])

  const report = (next: { audio: boolean; video: boolean; screen: boolean }): void => {
    socket?.send({ type: 'call.media', session_id: sessionId, ...next })
  }

  const stopLocal = (): void => {
    for (const track of pendingLocal.current?.getTracks() ?? []) track.stop()
    screenTrack.current?.stop()
    screenTrack.current = null
    pendingLocal.current = null
    setLocal(null)
  }

  const leave = (): void => {
    mesh.current?.close()
    mesh.current = null
    if (phase !== 'idle') socket?.send({ type: 'call.leave', session_id: sessionId })
    stopLocal()
    setMyId(null)
    setPhase('idle')
    setAudio(false)
    setVideo(false)
    setScreen(false)
  }

  // leaving the page leaves the call (the server also drops endpoints of closed sockets)
  const leaveRef = useRef(leave)
  leaveRef.current = leave
  useEffect(() => () => leaveRef.current(), [])

  useEvent(socket, 'call.roster', (data) => {
    if (data.session_id !== sessionId) return
    setRoster(data)
    mesh.current?.sync(data.endpoints.map((e) => e.endpoint_id))
  })
  useEvent(socket, 'call.joined', (data) => {
    if (data.session_id !== sessionId) return
    const created = new Mesh(socket as ProjectSocket, sessionId, data.endpoint_id, config.current)
    created.onChange = () => setVersion((n) => n + 1)
    created.setLocal(pendingLocal.current)
    mesh.current?.close()
    mesh.current = created
    setMyId(data.endpoint_id)
    setPhase('in-call')
    setRoster({ session_id: data.session_id, endpoints: data.endpoints, pupils_may_publish: data.pupils_may_publish })
    created.sync(data.endpoints.map((e) => e.endpoint_id))
    const stream = pendingLocal.current
    const on = { audio: Boolean(stream?.getAudioTracks().length), video: Boolean(stream?.getVideoTracks().length), screen: false }
    setAudio(on.audio)
    setVideo(on.video)
    if (on.audio || on.video) report(on)
  })
  // the socket reconnected: the server dropped this device's endpoint with the old socket, so
  // join again with the same camera and microphone (the others reconnect to the new endpoint)
  useEvent(socket, 'hello', () => {
    if (phase !== 'in-call' || !socket) return
    mesh.current?.close()
    mesh.current = null
    setPhase('joining')
    const kind = joinedAs.current
    socket.send({ type: 'call.join', session_id: sessionId, ref: `call-${sessionId}`, ...(kind ? { kind } : {}) })
  })
  useEvent(socket, 'call.signal', (data) => {
    if (data.session_id === sessionId) mesh.current?.receive(data)
  })
  useEvent(socket, 'call.control', (data: CallCommand) => {
    if (data.session_id !== sessionId || data.endpoint_id !== myId) return
    const stream = pendingLocal.current
    const next = { audio, video, screen }
    if (data.audio === false) {
      for (const track of stream?.getAudioTracks() ?? []) track.enabled = false
      next.audio = false
    }
    if (data.video === false) {
      for (const track of stream?.getVideoTracks() ?? []) track.enabled = false
      if (screenTrack.current) {
        screenTrack.current.stop()
        screenTrack.current = null
        void mesh.current?.shareScreen(null)
      }
      next.video = false
      next.screen = false
    }
    setAudio(next.audio)
    setVideo(next.video)
    setScreen(next.screen)
    setControlledBy(data.by.display_name)
    report(next)
  })
  useEvent(socket, 'call.ended', (data) => {
    if (data.session_id === sessionId) leave()
  })
  useEvent(socket, 'error', (data: ErrorReply) => {
    if (data.ref !== `call-${sessionId}`) return
    setRefusal(data.problem ?? data.code)
    setRefusalValues(data.values ?? {})
    if (phase === 'joining') {
      stopLocal()
      setPhase('idle')
    }
  })

  async function join(publish: boolean, kind?: 'teacher' | 'classroom'): Promise<void> {
    joinedAs.current = kind
    if (!socket || phase !== 'idle') return
    setPhase('joining')
    setRefusal(null)
    setProblem(null)
    setControlledBy(null)
    try {
      config.current = rtcConfiguration(await iceConfig(sessionId))
    } catch {
      setRefusal('call-refused')
      setPhase('idle')
      return
    }
    if (publish) {
      const got = await localMedia()
      pendingLocal.current = got.stream
      setLocal(got.stream)
      setProblem(got.problem)
    }
    socket.send({ type: 'call.join', session_id: sessionId, ref: `call-${sessionId}`, ...(kind ? { kind } : {}) })
  }

  const toggle = (kind: 'audio' | 'video'): void => {
    const tracks = kind === 'audio' ? pendingLocal.current?.getAudioTracks() : pendingLocal.current?.getVideoTracks()
    if (!tracks?.length) return
    const on = !(kind === 'audio' ? audio : video)
    for (const track of tracks) track.enabled = on
    if (kind === 'audio') setAudio(on)
    else setVideo(on)
    setControlledBy(null)
    report({ audio: kind === 'audio' ? on : audio, video: kind === 'video' ? on : video, screen })
  }

  async function toggleScreen(): Promise<void> {
    if (screenTrack.current) {
      screenTrack.current.stop()
      screenTrack.current = null
      await mesh.current?.shareScreen(null)
      setScreen(false)
      report({ audio, video, screen: false })
      return
    }
    if (!navigator.mediaDevices?.getDisplayMedia) return
    try {
      // the session page itself: the browser offers this tab first
      const display = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false, preferCurrentTab: true } as DisplayMediaStreamOptions)
      const [track] = display.getVideoTracks()
      if (!track) return
      screenTrack.current = track
      track.onended = () => {
        if (screenTrack.current === track) void toggleScreen()
      }
      await mesh.current?.shareScreen(track)
      setScreen(true)
      report({ audio, video, screen: true })
    } catch {
      // cancelled by the user: nothing changes
    }
  }

  const control = (endpoint: CallEndpoint, what: 'audio' | 'video'): void => {
    socket?.send({
      type: 'call.control',
      session_id: sessionId,
      endpoint_id: endpoint.endpoint_id,
      ref: `call-${sessionId}`,
      ...(what === 'audio' ? { audio: false } : { video: false }),
    })
  }

  const permit = (classId: number, allowed: boolean): void => {
    socket?.send({ type: 'call.permit', session_id: sessionId, class_id: classId, pupils_may_publish: allowed, ref: `call-${sessionId}` })
  }

  return {
    roster,
    phase,
    myId,
    local,
    audio,
    video,
    screen,
    problem,
    refusal,
    refusalValues,
    controlledBy,
    mesh: mesh.current,
    version,
    join,
    leave,
    toggleAudio: () => toggle('audio'),
    toggleVideo: () => toggle('video'),
    toggleScreen,
    control,
    permit,
  }
}
