// The live session's video call: a tile per device (its class, school, and whether it is live,
// muted, camera off or sharing its screen), join and leave, microphone, camera and screen
// controls, teachers' "switch off" for their class's devices and the permission for their
// pupils' devices. The server decides who may do what (docs/events-protocol.md, "Calls").
import type { JSX } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import type { Key } from '../../../i18n'
import { problemMessage, t, tn } from '../../../i18n'
import { useSocket } from '../../../lib/events'
import type { LiveSession, User } from '../../../types'
import type { CallEndpoint } from '../api'
import { type CallState, type MediaProblem, useCall } from '../hooks/useCall'

const PROBLEMS: Record<MediaProblem, Key> = {
  'camera-denied': 'video.problem.cameraDenied',
  'camera-missing': 'video.problem.cameraMissing',
  'microphone-denied': 'video.problem.microphoneDenied',
  'no-devices': 'video.problem.noDevices',
  insecure: 'video.problem.insecure',
}

const REFUSALS: Record<string, Key> = {
  'call-refused': 'video.refused.notParticipant',
  'session-not-live': 'video.refused.notLive',
  'call-full': 'video.refused.full',
  'media-not-allowed': 'video.refused.media',
  forbidden: 'video.refused.forbidden',
  'not-in-call': 'video.refused.notInCall',
}

/** A call's own refusal codes by their message; a precise code (docs/i18n.md) by its own. */
function refusalText(call: CallState): string {
  const code = call.refusal ?? 'forbidden'
  const own = REFUSALS[code]
  if (own) return t(own)
  return problemMessage(code, call.refusalValues) ?? t('video.refused.forbidden')
}

function Media({ stream, muted, label }: { stream: MediaStream; muted: boolean; label: string }): JSX.Element {
  const ref = useRef<HTMLVideoElement>(null)
  useEffect(() => {
    const element = ref.current
    if (element && element.srcObject !== stream) element.srcObject = stream
  }, [stream])
  return <video ref={ref} class="call-video" data-testid="call-video" autoPlay playsInline muted={muted} aria-label={label} />
}

function Tile({
  endpoint,
  call,
  mine,
  canControl,
}: {
  endpoint: CallEndpoint
  call: CallState
  mine: boolean
  canControl: boolean
}): JSX.Element {
  const remote = mine ? null : call.mesh?.remote(endpoint.endpoint_id)
  const stream = mine ? call.local : (remote?.stream ?? null)
  const showVideo = Boolean(stream) && endpoint.may_publish && (endpoint.video || endpoint.screen || endpoint.audio)
  const who = t('video.tileName', { class: endpoint.class_name, school: endpoint.school_name })
  const person = endpoint.kind === 'classroom' ? t('video.kind.classroom', { name: endpoint.user.display_name }) : endpoint.user.display_name
  return (
    <li
      class={`call-tile${mine ? ' call-tile-mine' : ''}`}
      data-testid="call-tile"
      data-endpoint={endpoint.endpoint_id}
      data-class-name={endpoint.class_name}
      data-mine={mine ? 'true' : 'false'}
      data-audio={endpoint.audio ? 'on' : 'off'}
      data-video={endpoint.video ? 'on' : 'off'}
    >
      <div class="call-frame">
        {showVideo && stream ? <Media stream={stream} muted={mine} label={who} /> : <div class="call-placeholder">{endpoint.class_name}</div>}
      </div>
      <div class="call-caption">
        <strong>{who}</strong>
        <span class="muted small">{person}</span>
        <span class="call-badges">
          <span class="badge badge-live">{t('video.live')}</span>
          {!endpoint.audio && <span class="badge" data-testid="badge-muted">{t('video.muted')}</span>}
          {!endpoint.video && !endpoint.screen && <span class="badge" data-testid="badge-camera-off">{t('video.cameraOff')}</span>}
          {endpoint.screen && <span class="badge">{t('video.sharing')}</span>}
          {!endpoint.may_publish && <span class="badge">{t('video.watching')}</span>}
        </span>
      </div>
      {canControl && !mine && (
        <div class="row call-tile-controls">
          <button type="button" class="btn btn-small" disabled={!endpoint.audio} onClick={() => call.control(endpoint, 'audio')}>
            {t('video.muteClass')}
          </button>
          <button type="button" class="btn btn-small" disabled={!endpoint.video && !endpoint.screen} onClick={() => call.control(endpoint, 'video')}>
            {t('video.cameraOffClass')}
          </button>
        </div>
      )}
    </li>
  )
}

export function CallPanel({ session, user, teacher }: { session: LiveSession; user: User; teacher: boolean }): JSX.Element {
  const socket = useSocket()
  const call = useCall(socket, session.id)
  const [classroom, setClassroom] = useState(false)
  const endpoints = call.roster?.endpoints ?? []
  const myClasses = session.classes.filter((c) => c.school.id === user.school_id)
  const mayPublish = teacher || (call.roster?.pupils_may_publish ?? []).some((id) => myClasses.some((c) => c.class_id === id))
  const mine = endpoints.find((e) => e.endpoint_id === call.myId)
  const ordered = mine ? [mine, ...endpoints.filter((e) => e !== mine)] : endpoints

  return (
    <section class="card call-panel" data-testid="call-panel" data-phase={call.phase} aria-labelledby={`call-${session.id}`}>
      <div class="row">
        <h3 id={`call-${session.id}`}>{t('video.title')}</h3>
        <span class="muted small" data-testid="call-count">
          {tn('video.liveCount', endpoints.length)}
        </span>
      </div>
      {call.problem && (
        <p class="notice" role="status" data-testid="call-problem">
          {t(PROBLEMS[call.problem])}
        </p>
      )}
      {call.refusal && (
        <p class="notice notice-error" role="alert" data-testid="call-refusal">
          {refusalText(call)}
        </p>
      )}
      {call.controlledBy && (
        <p class="notice" role="status">
          {t('video.switchedOffBy', { name: call.controlledBy })}
        </p>
      )}
      <div class="row call-controls">
        {call.phase === 'idle' ? (
          <>
            {mayPublish && (
              <button type="button" class="btn btn-primary" data-testid="call-join" onClick={() => void call.join(true, teacher ? (classroom ? 'classroom' : 'teacher') : undefined)}>
                {t('video.join')}
              </button>
            )}
            {teacher && (
              <label class="check">
                <input type="checkbox" checked={classroom} onChange={(event) => setClassroom((event.target as HTMLInputElement).checked)} />{' '}
                {t('video.classroomDevice')}
              </label>
            )}
            <button type="button" class="btn" data-testid="call-watch" onClick={() => void call.join(false)}>
              {t('video.watch')}
            </button>
          </>
        ) : (
          <>
            <button type="button" class="btn" aria-pressed={!call.audio} disabled={!call.local?.getAudioTracks().length} onClick={call.toggleAudio} data-testid="call-mic">
              {call.audio ? t('video.mute') : t('video.unmute')}
            </button>
            <button type="button" class="btn" aria-pressed={!call.video} disabled={!call.local?.getVideoTracks().length} onClick={call.toggleVideo} data-testid="call-camera">
              {call.video ? t('video.stopCamera') : t('video.startCamera')}
            </button>
            {mayPublish && call.local && (
              <button type="button" class="btn" aria-pressed={call.screen} onClick={() => void call.toggleScreen()} data-testid="call-screen">
                {call.screen ? t('video.stopSharing') : t('video.shareScreen')}
              </button>
            )}
            <button type="button" class="btn btn-quiet" onClick={call.leave} data-testid="call-leave">
              {t('video.leave')}
            </button>
          </>
        )}
      </div>
      {endpoints.length === 0 ? (
        <p class="muted">{t('video.nobody')}</p>
      ) : (
        <ul class="call-tiles" aria-live="polite">
          {ordered.map((endpoint) => (
            <Tile
              key={endpoint.endpoint_id}
              endpoint={endpoint}
              call={call}
              mine={endpoint.endpoint_id === call.myId}
              canControl={teacher && myClasses.some((c) => c.class_id === endpoint.class_id)}
            />
          ))}
        </ul>
      )}
      {teacher && myClasses.length > 0 && (
        <fieldset class="call-permits">
          <legend>{t('video.pupilDevices')}</legend>
          {myClasses.map((c) => (
            <label key={c.class_id} class="check">
              <input
                type="checkbox"
                checked={(call.roster?.pupils_may_publish ?? []).includes(c.class_id)}
                onChange={(event) => call.permit(c.class_id, (event.target as HTMLInputElement).checked)}
              />{' '}
              {t('video.letPupilsPublish', { class: c.class_name })}
            </label>
          ))}
        </fieldset>
      )}
    </section>
  )
}
