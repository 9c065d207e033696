/**
 * Every topic and protocol string of loopnet, in one place. Each carries the genesis id, so
 * nodes of different swarms neither mesh on a topic nor negotiate a protocol with each other.
 */

export function resultsTopic(genesis: string): string {
  return `/loopnet/${genesis}/results/1`
}

export function fetchProtocol(genesis: string): string {
  return `/loopnet/${genesis}/fetch/1`
}

export function syncProtocol(genesis: string): string {
  return `/loopnet/${genesis}/sync/1`
}
