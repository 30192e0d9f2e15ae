// The stock y-websocket server (@y/websocket-server) on 127.0.0.1 and a free port, to check
// peer.mjs against the reference protocol. Prints {"port": N} once listening.
// Test hook: a room named close-CODE (e.g. close-4403) is accepted and then closed with CODE.
import http from 'node:http'
import { WebSocketServer } from 'ws'
import { setupWSConnection } from '@y/websocket-server/utils'

const wss = new WebSocketServer({ noServer: true })
const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' })
  response.end('okay')
})

wss.on('connection', (conn, request) => {
  const docName = new URL(request.url, 'http://localhost').pathname.split('/').pop()
  const closeCode = /^close-(\d+)$/.exec(docName)
  if (closeCode !== null) {
    conn.close(Number(closeCode[1]), 'closed by test hook')
    return
  }
  setupWSConnection(conn, request, { docName })
})

server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request))
})

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n')
})
process.stdin.on('end', () => process.exit(0))
process.stdin.resume()
