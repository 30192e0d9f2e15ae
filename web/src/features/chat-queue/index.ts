// The chat queue's public face: messages written offline, shown and sent on reconnect.
export { QueuedMessages } from './QueuedMessages'
export { enqueue, newClientKey, settle } from './queue'
export { sendKeyed, useChatQueue } from './useChatQueue'
