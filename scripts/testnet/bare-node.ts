/**
 * The benchmark baseline: a bare libp2p + gossipsub 17 node with library defaults (per-message
 * StrictSign signing, default message ids and limits), no loopnet. Speaks the same JSON lines as
 * p2p-node.ts (ready, published, record, stats) so the benchmark treats both alike.
 *
 * Only two settings differ from the defaults, because a swarm on one host cannot run without
 * them (docs/ARCHITECTURE.md, "Network pitfalls"): loopback is allowed past the inbound
 * connection limits, and the IP-colocation penalty is off.
 */
import { randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { sha256Hex } from '../../protocol/hash.ts'
import { cpuMs, emit, now } from './node-output.ts'

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    genesis: { type: 'string', default: 'bare' },
    listen: { type: 'string', default: '/ip4/127.0.0.1/tcp/0' },
    bootstrap: { type: 'string', multiple: true, default: [] },
  },
})
const topic = `/bare/${values.genesis}/1`

const node = await createLibp2p({
  addresses: { listen: [values.listen] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  connectionManager: { allow: ['/ip4/127.0.0.0/ipcidr/8'] },
  services: {
    identify: identify(),
    pubsub: gossipsub({ scoreParams: { IPColocationFactorWeight: 0 } }),
  },
})
const pubsub = node.services.pubsub
pubsub.addEventListener('message', (evt) => {
  emit('record', { t: now(), id: sha256Hex(evt.detail.data), via: 'gossip' })
})
pubsub.addEventListener('gossipsub:graft', (evt) => emit('graft', { peer: evt.detail.peerId }))
pubsub.subscribe(topic)

// Retry bootstrap dials (the harness's job here, not the node's).
for (const addr of values.bootstrap) {
  void (async () => {
    for (let delay = 100; ; delay = Math.min(delay * 2, 5000)) {
      try {
        await node.dial(multiaddr(addr))
        return
      } catch {
        await sleep(delay)
      }
    }
  })()
}

/** Publish once a subscriber is known, like loopnet's queue, so both start from the same point. */
async function publish(data: Uint8Array): Promise<void> {
  for (let delay = 50; ; delay = Math.min(delay * 2, 2000)) {
    try {
      await pubsub.publish(topic, data)
      return
    } catch (err) {
      if (!String((err as Error).message).includes('NoPeersSubscribedToTopic')) throw err
      await sleep(delay)
    }
  }
}

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const c = JSON.parse(line) as { cmd: string; req?: unknown; size?: number }
    if (c.cmd === 'publish') {
      const data = randomBytes(c.size ?? 64)
      const t = now()
      const id = sha256Hex(data)
      publish(data).then(
        () => emit('published', { req: c.req, t, id, bytes: data.length }),
        (err: Error) => emit('error', { req: c.req, message: err.message }),
      )
    } else if (c.cmd === 'stats') {
      emit('stats', { req: c.req, rss: process.memoryUsage().rss, cpuMs: cpuMs() })
    } else if (c.cmd === 'stop') {
      void Promise.resolve(node.stop()).then(() => {
        emit('stopped')
        process.exit(0)
      })
    }
  })
  .on('close', () => void Promise.resolve(node.stop()).then(() => process.exit(0)))

emit('ready', { peerId: node.peerId.toString(), multiaddrs: node.getMultiaddrs().map(String) })
