// Idle clients (memory benchmark, large-page first sync): opens --per-room clients in each room,
// prints {"event":"ready", clients, connectMs, textLength, rssMB} once all are synced, then holds
// them without editing until stdin closes (or a "close" line arrives), disconnects them and
// prints {"event":"closed"}.
//
//   node idle.mjs --protocol y-websocket|hocuspocus --url URL --rooms r1,r2,... [--per-room 10]
//                 [--token T] [--connect-batch 100] [--timeout 30000 (ms to sync each client)]
//                 [--awareness]
//
// Clients announce no presence unless --awareness (presence renewals every 15 s are traffic,
// not idleness), and their providers' 30 s no-message reconnect is turned off.
import * as readline from 'node:readline'
import { parseArgs } from 'node:util'
import { openClients } from './clients.mjs'

const { values: args } = parseArgs({
  options: {
    protocol: { type: 'string', default: 'y-websocket' },
    url: { type: 'string' },
    rooms: { type: 'string' },
    token: { type: 'string' },
    'per-room': { type: 'string', default: '10' },
    'connect-batch': { type: 'string', default: '100' },
    timeout: { type: 'string', default: '30000' },
    awareness: { type: 'boolean', default: false }
  }
})
const emit = (message) => process.stdout.write(JSON.stringify(message) + '\n')
const specs = args.rooms.split(',').flatMap((room) =>
  Array.from({ length: Number(args['per-room']) }, () => ({ room })))
const started = performance.now()
const options = {
  protocol: args.protocol,
  url: args.url,
  token: args.token,
  timeoutMs: Number(args.timeout),
  awareness: args.awareness,
  pinAlive: true
}
const clients = await openClients(specs, options, Number(args['connect-batch']))
emit({
  event: 'ready',
  clients: clients.length,
  connectMs: performance.now() - started,
  reconnects: clients.reduce((n, c) => n + c.closes, 0),
  textLength: clients[0].text.length, // UTF-16 code units of the first client's Y.Text
  rssMB: process.memoryUsage().rss / 2 ** 20
})

const close = () => {
  clients.forEach((client) => client.destroy())
  emit({ event: 'closed', reconnects: clients.reduce((n, c) => n + c.closes, 0) })
  setTimeout(() => process.exit(0), 200)
}
const lines = readline.createInterface({ input: process.stdin })
lines.on('line', (line) => { if (line.trim() === 'close') close() })
lines.on('close', close)
