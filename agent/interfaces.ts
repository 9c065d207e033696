/**
 * The only two things the agent knows about the world outside its own loop. node/ implements
 * them: with the local store when solo, with the swarm when it has peers.
 */
import type { ExperimentFields } from '../protocol/types.ts'

/** Where finished experiments go (node/ stores, signs and gossips them). */
export interface ResultSink {
  publish(result: ExperimentFields, signal?: AbortSignal): Promise<void>
}

/** A best-known train file for a tier, as the leaderboard sees it. */
export interface BestKnown {
  fileHash: string
  valBpb: number
  author: string
  /** Record id (sha256 of the signed record), when it came from the swarm. */
  recordId?: string
}

/** What an agent may ask of the swarm. */
export interface SwarmView {
  /** The best KEEP of this tier known to the node, or undefined. */
  bestKnown(tier: string, signal?: AbortSignal): Promise<BestKnown | undefined>
  /** A train file's text by content hash, verified against the hash. */
  fetchFile(fileHash: string, signal?: AbortSignal): Promise<string>
  /** Experiments already tried on a parent (by anyone), so nobody repeats them. */
  tried(parentHash: string, signal?: AbortSignal): Promise<ExperimentFields[]>
}
