// The reference y-websocket server: @y/websocket-server's setupWSConnection behind a plain
// http + ws server, no persistence, room = last path segment. Prints {"port": N} once listening;
// exits when stdin closes (its parent went away) or on SIGTERM.
//
//   node ywss-server.mjs [--port 0]
import http from 'node:http'
import { parseArgs } from 'node:util'
import { WebSocketServer } from 'ws'
import { setupWSConnection } from '@y/websocket-server/utils'

const { values: args } = parseArgs({ options: { port: { type: 'string', default: '0' } } })

const wss = new WebSocketServer({ noServer: true })
const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' })
  response.end('okay')
})
wss.on('connection', (conn, request) => {
  const docName = new URL(request.url, 'http://localhost').pathname.split('/').pop()
  setupWSConnection(conn, request, { docName })
})
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request))
})
server.listen(Number(args.port), '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n')
})
process.on('SIGTERM', () => process.exit(0))
process.stdin.on('end', () => process.exit(0))
process.stdin.resume()
