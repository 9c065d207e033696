/**
 * Message ids derived from content (lodestar's approach under StrictNoSign): the id of a gossip
 * message is sha256 of its data, which for a record is exactly its record id. Duplicates are
 * caught however many peers forward them, and the id string doubles as the record id in logs.
 */
import { createHash } from 'node:crypto'
import type { Message } from '@libp2p/gossipsub'

export function msgIdFn(msg: Message): Uint8Array {
  return createHash('sha256').update(msg.data).digest()
}

export function msgIdToStrFn(msgId: Uint8Array): string {
  return Buffer.from(msgId.buffer, msgId.byteOffset, msgId.byteLength).toString('hex')
}
