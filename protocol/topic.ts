/**
 * Every topic and protocol string of loopnet, in one place. Each carries the genesis id, so
 * nodes of different swarms neither mesh on a topic nor negotiate a protocol with each other.
 * The trailing number is the wire format of what travels on it: results and sync carry records,
 * so they are /2 since record format 2 (protocol/types.ts RECORD_VERSION), and a node of format
 * 1 neither meshes nor syncs with one of format 2; fetch carries train files, unchanged.
 */

export function resultsTopic(genesis: string): string {
  return `/loopnet/${genesis}/results/2`
}

export function fetchProtocol(genesis: string): string {
  return `/loopnet/${genesis}/fetch/1`
}

export function syncProtocol(genesis: string): string {
  return `/loopnet/${genesis}/sync/2`
}

/** Claims (protocol/claim.ts): gossip only, never synced. */
export function claimsTopic(genesis: string): string {
  return `/loopnet/${genesis}/claims/1`
}
