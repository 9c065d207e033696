/**
 * The libp2p 3 host of a loopnet node: tcp + noise + yamux, identify, ping, bootstrap (with
 * retry), gossipsub 17 for records and claims, and loopnet's fetch and sync protocols.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { bootstrap } from '@libp2p/bootstrap'
import { type GossipSub, gossipsub, StrictNoSign } from '@libp2p/gossipsub'
import { type Identify, identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import { type Ping, ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { GOSSIP_MAX_RPC_BYTES } from '../../protocol/constants.ts'
import { claimsTopic, resultsTopic } from '../../protocol/topic.ts'
import { type BootstrapDialer, bootstrapDialer } from './bootstrap-dialer.ts'
import { type FileFetch, fileFetch } from './fetch/index.ts'
import { msgIdFn, msgIdToStrFn } from './gossip/encoding.ts'
import { peerScoreParams, SCORE_THRESHOLDS } from './gossip/scoring-parameters.ts'
import type { FileSource, RecordSource } from './interfaces.ts'
import { type RecordSync, recordSync } from './sync/index.ts'

/**
 * The shortest time a ping may take before libp2p's connection monitor aborts the connection
 * (libp2p: 5 s). A loopnet node is often CPU-bound (PyTorch on every core, or many nodes on
 * one box), and a 5 s stall there means busy, not dead: aborting costs a redial, identify and a
 * resync, and drops the peer from the gossip mesh. 50 nodes on 2 cores lost 24 connections
 * in 15 s that way, with ~10 % more CPU per record; a dead peer is still dropped within ~30 s.
 */
const PING_TIMEOUT_MIN_MS = 30_000

/**
 * Records smaller than this are not announced with gossipsub 1.2's IDONTWANT (library default:
 * 512 bytes). gossipsub sends it to every mesh peer the moment a message arrives, before it
 * validates or forwards it: an RPC, a muxer frame, an encryption and a write per peer, on every
 * hop's path. Until records reach tens of KiB that costs more than the duplicate copies it
 * spares, and records are mostly a few KiB (a diff of train.py, its numbers, a signature).
 * bench:gossip, 25 nodes, CPU ms per record per node with IDONTWANT -> without: 8 KiB
 * 6.1 -> 4.7, 32 KiB 8.8 -> 6.8, 64 KiB 11.9 -> 9.9, 128 KiB 13.6 -> 14.9 (there it pays).
 */
const IDONTWANT_MIN_RECORD_BYTES = 128 * 1024

/** Loopback, for local swarms: lifts libp2p's inbound rate limit and pending-connection cap. */
export const LOOPBACK_ALLOW = ['/ip4/127.0.0.0/ipcidr/8']

export interface LoopnetHostInit {
  privateKey: PrivateKey
  genesis: string
  /** Listen multiaddrs, e.g. /ip4/0.0.0.0/tcp/4001 (tcp/0 picks a free port). */
  listen: string[]
  /** Multiaddrs (ending in /p2p/<id>) to connect to and stay connected to. */
  bootstrap?: string[]
  /**
   * Several nodes on one host (tests, benchmarks, a local swarm): allow loopback past the
   * connection limits and drop gossipsub's IP-colocation penalty (docs/ARCHITECTURE.md,
   * "Network pitfalls").
   */
  localSwarm?: boolean
  files: FileSource
  records: RecordSource
}

export type LoopnetServices = {
  identify: Identify
  ping: Ping
  pubsub: GossipSub
  fetch: FileFetch
  sync: RecordSync
  bootstrapDialer: BootstrapDialer
}

export type LoopnetHost = Libp2p<LoopnetServices>

/** Builds the host without starting it (LoopnetNode starts it after wiring its listeners). */
export async function createLoopnetHost(init: LoopnetHostInit): Promise<LoopnetHost> {
  const topic = resultsTopic(init.genesis)
  const claims = claimsTopic(init.genesis)
  const bootstrapList = init.bootstrap ?? []
  const localSwarm = init.localSwarm ?? false
  return createLibp2p({
    start: false,
    privateKey: init.privateKey,
    addresses: { listen: init.listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: localSwarm ? { allow: LOOPBACK_ALLOW } : {},
    connectionMonitor: { pingTimeout: { minTimeout: PING_TIMEOUT_MIN_MS } },
    peerDiscovery: bootstrapList.length > 0 ? [bootstrap({ list: bootstrapList })] : [],
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({
        // Records carry loopnet's own signature: gossipsub's would be redundant CPU per hop.
        globalSignaturePolicy: StrictNoSign,
        msgIdFn,
        msgIdToStrFn,
        maxInboundDataLength: GOSSIP_MAX_RPC_BYTES,
        // Messages and subscriptions of other topics (other swarms) are dropped unprocessed.
        allowedTopics: [topic, claims],
        scoreParams: peerScoreParams({ topic, claimsTopic: claims, localSwarm }),
        scoreThresholds: SCORE_THRESHOLDS,
        emitSelf: false,
        idontwantMinDataSize: IDONTWANT_MIN_RECORD_BYTES,
        // Never publish into the void: the PublishQueue waits for a subscriber instead.
        allowPublishToZeroTopicPeers: false,
      }),
      fetch: fileFetch({ genesis: init.genesis, files: init.files }),
      sync: recordSync({ genesis: init.genesis, records: init.records }),
      bootstrapDialer: bootstrapDialer({ list: bootstrapList }),
    },
  })
}
