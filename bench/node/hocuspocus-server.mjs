// Hocuspocus with its default extensions only (none), no persistence, quiet. Prints
// {"port": N} once listening; exits when stdin closes (its parent went away) or on SIGTERM.
//
//   node hocuspocus-server.mjs [--port 0]
import { parseArgs } from 'node:util'
import { Server } from '@hocuspocus/server'

const { values: args } = parseArgs({ options: { port: { type: 'string', default: '0' } } })

const server = new Server({
  port: Number(args.port),
  address: '127.0.0.1',
  quiet: true,
  stopOnSignals: false
})
await server.listen()
process.stdout.write(JSON.stringify({ port: server.address.port }) + '\n')
process.on('SIGTERM', () => process.exit(0))
process.stdin.on('end', () => process.exit(0))
process.stdin.resume()
