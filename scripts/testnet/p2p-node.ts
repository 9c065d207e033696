/**
 * One loopnet network node as a process, for tests and benchmarks. Prints JSON lines on stdout
 * ({"event":"ready",...}, one per received record, ...) and takes JSON-line commands on stdin,
 * so callers wait on events instead of sleeping. Keeps records, files and sync cursors in the
 * real SQLite store, <data-dir>/store.sqlite (a benchmark may fill it before starting the node).
 *
 *   node scripts/testnet/p2p-node.ts --data-dir DIR --genesis HEX [--listen MA] [--bootstrap MA]...
 *
 * Commands: publish {fields?, size?} | publish-bad {kind, parentHash?} | put-file {text, hash?} (a hash the
 * text does not have plants a lie, for the lying-peer test) |
 * fail-syncs {count} (the next count sync pages served fail) |
 * fetch {hash} | score {peer, below?} | peers | count | stats | dial {addr} |
 * claim {fields?} (this node's claim, as the agent announces it) | publish-bad-claim {kind, fields?} |
 * claims {hash} (live peers' claims on a parent or of a file) | stop. Each may carry "req", echoed back.
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { multiaddr } from '@multiformats/multiaddr'
import { PublishQueue } from '../../node/p2p/gossip/publish-queue.ts'
import { loadOrCreateIdentity } from '../../node/p2p/identity.ts'
import type { RecordPage } from '../../node/p2p/interfaces.ts'
import { LoopnetNode } from '../../node/p2p/node.ts'
import { NetworkStore, StoreSyncCursors } from '../../node/store/network-store.ts'
import { Store } from '../../node/store/store.ts'
import { SwarmSink } from '../../node/swarm.ts'
import type { ClaimFields } from '../../protocol/claim.ts'
import { MAX_DIFF_BYTES } from '../../protocol/constants.ts'
import { fileHash, sha256Hex } from '../../protocol/hash.ts'
import { encodeRecord, signingBytes } from '../../protocol/record.ts'
import { type ExperimentFields, RECORD_VERSION } from '../../protocol/types.ts'
import { forceSignClaim, makeClaim } from '../../test/fixtures/p2p/claims.ts'
import { encodeV1Record } from '../../test/fixtures/p2p/records.ts'
import { cpuMs, emit, now } from './node-output.ts'

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    genesis: { type: 'string' },
    listen: { type: 'string', default: '/ip4/127.0.0.1/tcp/0' },
    bootstrap: { type: 'string', multiple: true, default: [] },
    'no-local-swarm': { type: 'boolean', default: false },
  },
})
const dataDir = values['data-dir']
const genesis = values.genesis
if (dataDir === undefined || genesis === undefined) {
  process.stderr.write(
    'usage: p2p-node.ts --data-dir DIR --genesis HEX [--listen MA] [--bootstrap MA]...\n',
  )
  process.exit(2)
}

/**
 * The real store, plus files planted under hashes they do not have: a lying peer, which the
 * real store refuses to be (it verifies every file it stores), and sync pages it can be told
 * to fail. Test-only, and only here.
 */
class LyingNetworkStore extends NetworkStore {
  readonly lies = new Map<string, string>()

  override getFile(hash: string): string | undefined {
    return this.lies.get(hash) ?? super.getFile(hash)
  }

  /** Sync pages to fail before serving again: a peer that breaks off a sync, for the retry test. */
  failSyncs = 0

  override recordsSince(cursor: number, limit: number): RecordPage {
    if (this.failSyncs > 0) {
      this.failSyncs--
      emit('sync-refused', { cursor })
      throw new Error('planted sync failure')
    }
    return super.recordsSince(cursor, limit)
  }

  putFile(text: string, hash?: string): string {
    if (hash === undefined || hash === fileHash(text)) return this.store.putFile(text)
    this.lies.set(hash, text)
    return hash
  }
}

const sqlite = new Store(join(dataDir, 'store.sqlite'))
const store = new LyingNetworkStore(sqlite, genesis)
const privateKey = await loadOrCreateIdentity(dataDir)
const node = await LoopnetNode.create({
  genesis,
  dataDir,
  privateKey,
  listen: [values.listen],
  bootstrap: values.bootstrap,
  localSwarm: !values['no-local-swarm'],
  store,
  cursors: new StoreSyncCursors(sqlite, genesis),
})
// Own records take the agent's door: signed, stored, then announced and gossiped.
const sink = new SwarmSink(sqlite, node)
node.addEventListener('record', (evt) => {
  const { id, record, via, from } = evt.detail
  emit('record', { t: now(), id, author: record.author, seq: record.seq, via, from })
})
node.addEventListener('record:invalid', (evt) => emit('invalid', { ...evt.detail }))
node.addEventListener('sync:done', (evt) => emit('sync', { ...evt.detail }))
const claimEvent =
  (event: string) => (evt: CustomEvent<{ id: string; claim: ClaimFields; from?: string }>) => {
    const { id, claim, from } = evt.detail
    emit(event, {
      t: now(),
      id,
      author: claim.author,
      kind: claim.kind,
      parentHash: claim.parentHash,
      fileHash: claim.fileHash,
      from,
    })
  }
node.addEventListener('claim', claimEvent('claim'))
node.addEventListener('claim:expired', claimEvent('claim-expired'))
node.addEventListener('claim:invalid', (evt) => emit('claim-invalid', { ...evt.detail }))
// Mesh changes, so tests can wait for a gossip path instead of sleeping.
node.host.services.pubsub.addEventListener('gossipsub:graft', (evt) =>
  emit('graft', { peer: evt.detail.peerId, topic: evt.detail.topic }),
)
node.host.addEventListener('peer:connect', (evt) =>
  emit('connected', { peer: evt.detail.toString() }),
)
node.host.addEventListener('peer:disconnect', (evt) =>
  emit('disconnected', { peer: evt.detail.toString() }),
)
await node.start()
// Bad records bypass the node's own checks through a queue of their own.
const rawQueue = new PublishQueue(
  node.host.services.pubsub,
  node.topic,
  node.host.logger.forComponent('testnet:raw'),
)
rawQueue.start()
const rawClaims = new PublishQueue(
  node.host.services.pubsub,
  node.claims.topic,
  node.host.logger.forComponent('testnet:raw-claims'),
)
rawClaims.start()

/** Claims no honest node sends: each signed by this node's key, checks skipped. */
async function badClaim(kind: string, over: Partial<ClaimFields>): Promise<Uint8Array> {
  const fields = makeClaim(privateKey, genesis as string, over)
  switch (kind) {
    case 'any':
      return forceSignClaim(fields, privateKey)
    case 'bad-signature': {
      const bytes = await forceSignClaim(fields, privateKey)
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff
      return bytes
    }
    case 'ttl-too-long':
      return forceSignClaim({ ...fields, ttlSeconds: 100_000 }, privateKey)
    default:
      throw new Error(`unknown bad claim kind ${kind}`)
  }
}

let seq = 0
function benchFields(size: number, overrides: Partial<ExperimentFields> = {}): ExperimentFields {
  seq = Math.max(seq, store.lastSeq(node.peerId) ?? 0) + 1
  return {
    version: RECORD_VERSION,
    genesis: node.genesis,
    author: node.peerId,
    seq,
    // An unknown parent: receivers skip the diff check, as they would for most real records.
    parentHash: sha256Hex(randomBytes(16)),
    fileHash: sha256Hex(randomBytes(16)),
    diff: '+'.repeat(size),
    status: 'discard',
    valBpb: 1.5,
    budgetSeconds: 60,
    trainingSeconds: 60,
    startupSeconds: 2,
    evalSeconds: 5,
    probeSeconds: 2,
    totalSeconds: 70,
    numParams: 1_000_000,
    peakMemMb: 100,
    seed: seq,
    tier: 'cpu-2c',
    reason: '',
    unsandboxed: false,
    description: 'testnet record',
    createdAt: Date.now(),
    ...overrides,
  }
}

async function signed(fields: ExperimentFields): Promise<Uint8Array> {
  return encodeRecord({ ...fields, signature: await privateKey.sign(signingBytes(fields)) })
}

async function badRecord(kind: string, parentHash?: string): Promise<Uint8Array> {
  switch (kind) {
    case 'oversized-diff':
      return signed(benchFields(MAX_DIFF_BYTES + 1))
    case 'lying-file-hash':
      // an empty diff yields the parent itself: any other file hash is a lie a holder of the
      // parent can prove
      if (parentHash === undefined) throw new Error('lying-file-hash needs parentHash')
      return signed(benchFields(0, { parentHash, diff: '' }))
    case 'garbage':
      return randomBytes(300)
    case 'wrong-genesis': {
      const fields = benchFields(64, { genesis: sha256Hex('some other swarm') })
      return encodeRecord({ ...fields, signature: await privateKey.sign(signingBytes(fields)) })
    }
    case 'format-1': {
      // a record as a loopnet of format 1 signed it (num_steps, total_tokens, signature in 17)
      const v1 = { ...benchFields(64), status: 'discard' as const, numSteps: 100, totalTokens: 1e5 }
      return encodeV1Record(v1, await privateKey.sign(encodeV1Record(v1)))
    }
    case 'over-budget':
      // a keep that trained 90 s on a 60 s budget: the harness would have rejected it
      return signed(benchFields(64, { status: 'keep', trainingSeconds: 90, totalSeconds: 100 }))
    case 'bad-signature': {
      const fields = benchFields(64)
      const signature = Uint8Array.from(await privateKey.sign(signingBytes(fields)))
      signature[5] = (signature[5] ?? 0) ^ 0xff
      return encodeRecord({ ...fields, signature })
    }
    default:
      throw new Error(`unknown bad record kind ${kind}`)
  }
}

/**
 * A peer's gossipsub score. With `below`, waits (heartbeat by heartbeat, up to 10 s) for it to
 * drop under that value: gossipsub records a rejection after our validator returns and caches
 * scores for one heartbeat, so the score lags the 'invalid' event.
 */
async function scoreOf(peer: string, below: unknown): Promise<number> {
  const pubsub = node.host.services.pubsub
  if (typeof below !== 'number' || node.getScore(peer) < below) return node.getScore(peer)
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      pubsub.removeEventListener('gossipsub:heartbeat', onHeartbeat)
      resolve(node.getScore(peer))
    }
    const onHeartbeat = () => {
      if (node.getScore(peer) < below) done()
    }
    const timer = setTimeout(done, 10_000)
    pubsub.addEventListener('gossipsub:heartbeat', onHeartbeat)
  })
}

type Command = { cmd: string; req?: unknown } & Record<string, unknown>

async function handle(c: Command): Promise<void> {
  const req = c.req
  switch (c.cmd) {
    case 'publish': {
      const t = now()
      const fields = benchFields(
        Number(c.size ?? 64),
        (c.fields ?? {}) as Partial<ExperimentFields>,
      )
      const published = await sink.publishRecord(fields)
      emit('published', {
        req,
        t,
        id: published.id,
        seq: fields.seq,
        bytes: published.bytes.length,
      })
      published.sent.then(
        () => emit('sent', { req, id: published.id }),
        () => {},
      )
      return
    }
    case 'publish-bad': {
      const bytes = await badRecord(
        String(c.kind),
        typeof c.parentHash === 'string' ? c.parentHash : undefined,
      )
      const id = sha256Hex(bytes)
      emit('published-bad', { req, id, kind: c.kind })
      rawQueue.publish(id, bytes).then(
        () => emit('sent', { req, id }),
        () => {},
      )
      return
    }
    case 'claim': {
      const over = (c.fields ?? {}) as Partial<ClaimFields>
      const {
        genesis: _g,
        author: _a,
        createdAt: _c,
        ...fields
      } = makeClaim(privateKey, genesis as string, over)
      const claim = node.claims.announce(fields)
      emit('claim-published', { req, id: claim.id, bytes: claim.bytes.length })
      return
    }
    case 'publish-bad-claim': {
      const bytes = await badClaim(String(c.kind), (c.fields ?? {}) as Partial<ClaimFields>)
      const id = sha256Hex(bytes)
      emit('published-bad-claim', { req, id, kind: c.kind })
      rawClaims.publish(id, bytes).catch(() => {})
      return
    }
    case 'claims':
      emit('claims', { req, ids: node.claims.live(String(c.hash)).map((h) => h.id) })
      return
    case 'fail-syncs':
      store.failSyncs = Number(c.count ?? 1)
      emit('failing-syncs', { req, count: store.failSyncs })
      return
    case 'put-file':
      emit('file-stored', {
        req,
        hash: store.putFile(String(c.text), c.hash as string | undefined),
      })
      return
    case 'fetch':
      try {
        const text = await node.fetchFromPeers(String(c.hash), {
          signal: AbortSignal.timeout(20_000),
        })
        emit('fetched', { req, hash: c.hash, text })
      } catch (err) {
        const causes = err instanceof AggregateError ? err.errors : []
        emit('fetch-failed', {
          req,
          hash: c.hash,
          name: (err as Error).name,
          causes: causes.map((e: Error) => e.name),
        })
      }
      return
    case 'score':
      emit('score', { req, peer: c.peer, score: await scoreOf(String(c.peer), c.below) })
      return
    case 'peers':
      emit('peers', { req, peers: node.getPeers() })
      return
    case 'stats':
      emit('stats', { req, rss: process.memoryUsage().rss, cpuMs: cpuMs() })
      return
    case 'count':
      emit('count', { req, records: sqlite.counts({ genesis }).total })
      return
    case 'dial':
      await node.host.dial(multiaddr(String(c.addr)))
      emit('dialed', { req, addr: c.addr })
      return
    case 'stop':
      await shutdown()
      return
    default:
      emit('error', { req, message: `unknown command ${c.cmd}` })
  }
}

let stopping = false
async function shutdown(): Promise<void> {
  if (stopping) return
  stopping = true
  rawQueue.stop()
  rawClaims.stop()
  await node.stop()
  sqlite.close()
  emit('stopped')
  process.exit(0)
}
process.on('SIGTERM', () => void shutdown())
process.on('SIGINT', () => void shutdown())

const lines = createInterface({ input: process.stdin })
lines.on('line', (line) => {
  if (line.trim() === '') return
  let command: Command
  try {
    command = JSON.parse(line) as Command
  } catch {
    emit('error', { message: `not JSON: ${line}` })
    return
  }
  handle(command).catch((err: Error) =>
    emit('error', { req: command.req, cmd: command.cmd, name: err.name, message: err.message }),
  )
})
// The parent went away: nobody reads our events any more.
lines.on('close', () => void shutdown())

emit('ready', { peerId: node.peerId, multiaddrs: node.getMultiaddrs() })
