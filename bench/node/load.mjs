// Fan-out load generator: D rooms x C real Yjs clients x R edits/s each, in worker threads of
// this one process (one clock for send and receive times), printing JSON lines on stdout:
//
//   {"event":"ready", ...}          every client is connected and synced
//   {"event":"measure-start"}       the warm-up is over (sample server CPU from here ...)
//   {"event":"measure-end"}         (... to here); edits stop, late deliveries are awaited
//   {"event":"result", ...}         delivery, latency percentiles (ms), load-generator CPU
//
//   node load.mjs --protocol y-websocket|hocuspocus --url URL[,URL...] --rooms r1,r2,... [--token T]
//                 [--clients 30] [--rate 2] [--warmup 5] [--seconds 20] [--drain 5] [--workers 1]
//                 [--pattern random|typing|map|array|xml]
//
// y-websocket clients connect to URL/ROOM?token=T; Hocuspocus clients to URL, naming the room in
// every message. Latency = receive time - send time for every remote edit a client integrates;
// delivery = observed / (edits sent in the window x (C - 1)).
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'

const { values: args } = parseArgs({
  options: {
    protocol: { type: 'string', default: 'y-websocket' },
    url: { type: 'string' },
    rooms: { type: 'string' },
    token: { type: 'string' },
    clients: { type: 'string', default: '30' },
    rate: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '20' },
    drain: { type: 'string', default: '5' },
    workers: { type: 'string', default: '1' },
    pattern: { type: 'string', default: 'random' },
    'connect-batch': { type: 'string', default: '50' }
  }
})
if (!args.url || !args.rooms || !['random', 'typing', 'map', 'array', 'xml'].includes(args.pattern)) {
  process.stderr.write('usage: load.mjs --url URL --rooms r1,r2,... [options]\n')
  process.exit(2)
}
const rooms = args.rooms.split(',')
const clientsPerRoom = Number(args.clients)
const rate = Number(args.rate)
const workerCount = Math.max(1, Math.min(Number(args.workers), rooms.length))
const now = () => performance.timeOrigin + performance.now()
const emit = (message) => process.stdout.write(JSON.stringify(message) + '\n')

// Rooms are dealt to workers whole, so each worker knows how many deliveries it is owed.
const workers = Array.from({ length: workerCount }, (_, w) => new Worker(
  new URL('./load-worker.mjs', import.meta.url), {
    workerData: {
      protocol: args.protocol,
      url: args.url,
      token: args.token,
      rooms: rooms.filter((_, i) => i % workerCount === w),
      clientsPerRoom,
      rate,
      pattern: args.pattern,
      connectBatch: Number(args['connect-batch'])
    }
  }))
const next = (worker, type) => new Promise((resolve, reject) => {
  const onMessage = (message) => {
    if (message.type !== type) return
    worker.off('message', onMessage)
    resolve(message)
  }
  worker.on('message', onMessage)
  worker.once('error', reject)
})
for (const worker of workers) worker.on('error', (error) => { console.error(error); process.exit(1) })

const ready = await Promise.all(workers.map((worker) => next(worker, 'ready')))
emit({ event: 'ready', clients: ready.reduce((n, r) => n + r.clients, 0), connectMs: Math.max(...ready.map((r) => r.connectMs)) })

const t0 = now() + 100
const measureStart = t0 + Number(args.warmup) * 1000
const measureEnd = measureStart + Number(args.seconds) * 1000
const drainEnd = measureEnd + Number(args.drain) * 1000
const results = workers.map((worker) => next(worker, 'result'))
workers.forEach((worker) => worker.postMessage({ type: 'start', t0, measureStart, measureEnd, drainEnd }))

await sleepUntil(measureStart)
const cpuStart = process.cpuUsage()
const wallStart = now()
emit({ event: 'measure-start' })
await sleepUntil(measureEnd)
const cpu = process.cpuUsage(cpuStart)
const wall = now() - wallStart
emit({ event: 'measure-end' })

const parts = await Promise.all(results)
const latencies = new Float64Array(parts.reduce((n, p) => n + p.latencies.length, 0))
let offset = 0
for (const part of parts) { latencies.set(part.latencies, offset); offset += part.latencies.length }
latencies.sort()
const sum = (key) => parts.reduce((n, p) => n + p[key], 0)
const quantile = (q) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : null
const expected = sum('expected')
emit({
  event: 'result',
  protocol: args.protocol,
  docs: rooms.length,
  clients: clientsPerRoom,
  rate,
  seconds: wall / 1000,
  sent: sum('sent'),
  expected,
  observed: sum('observed'),
  delivery: expected ? sum('observed') / expected : null,
  latencyMs: {
    p50: quantile(0.5),
    p90: quantile(0.9),
    p99: quantile(0.99),
    max: latencies.length ? latencies[latencies.length - 1] : null,
    mean: latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : null
  },
  malformed: sum('malformed'),
  reconnects: sum('closes'),
  loadgen: {
    workers: workerCount,
    cpuPercent: 100 * (cpu.user + cpu.system) / 1000 / wall,
    rssMB: process.memoryUsage().rss / 2 ** 20,
    loopDelayP99Ms: Math.max(...parts.map((p) => p.loopDelayP99Ms)),
    loopDelayMaxMs: Math.max(...parts.map((p) => p.loopDelayMaxMs))
  }
})

// Disconnect every client before exiting, so servers see clean closes.
await Promise.all(workers.map((worker) => { worker.postMessage({ type: 'close' }); return next(worker, 'closed') }))
await Promise.all(workers.map((worker) => worker.terminate()))
process.exit(0)

function sleepUntil (t) { return new Promise((resolve) => setTimeout(resolve, Math.max(0, t - now()))) }
