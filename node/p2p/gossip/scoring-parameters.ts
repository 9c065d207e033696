/**
 * Gossipsub peer scoring for the results topic. Records are rare (one per experiment, minutes
 * apart) and bursty, so delivery quotas (P3, P3b) would punish honest quiet peers: they are off.
 * What matters is P4: a peer that forwards a record every node rejects (bad signature, wrong
 * genesis, garbage) must sink below the gossip threshold at once and be graylisted soon after.
 */
import type {
  PeerScoreParams,
  PeerScoreThresholds,
  TopicScoreParams,
} from '@libp2p/gossipsub/score'

/** Thresholds: gossipsub's defaults, restated so the arithmetic below can be checked against them. */
export const SCORE_THRESHOLDS: PeerScoreThresholds = {
  gossipThreshold: -10,
  publishThreshold: -50,
  graylistThreshold: -80,
  acceptPXThreshold: 10,
  opportunisticGraftThreshold: 20,
}

/**
 * Positive score is capped at 3 (P1) + 2 (P2) = 5 per topic. One invalid message costs
 * 1^2 * -20 = -20, so even a long-standing peer lands at <= -15 (below gossipThreshold: no more
 * IHAVE/IWANT with it); two cost -80 (graylisted: its RPCs are dropped). The 0.99/s decay
 * forgives in about four minutes, so an honest node that shipped one bad build recovers.
 */
export function resultsTopicScoreParams(): TopicScoreParams {
  return {
    topicWeight: 1,
    // P1: time in mesh, 0.01 per second up to 5 minutes (max 3).
    timeInMeshWeight: 0.01,
    timeInMeshQuantum: 1000,
    timeInMeshCap: 300,
    // P2: first deliveries, 0.5 each up to 4 (max 2), fading over tens of seconds.
    firstMessageDeliveriesWeight: 0.5,
    firstMessageDeliveriesDecay: 0.9,
    firstMessageDeliveriesCap: 4,
    // P3/P3b: off (see above). Decays and caps must still be valid numbers.
    meshMessageDeliveriesWeight: 0,
    meshMessageDeliveriesDecay: 0.5,
    meshMessageDeliveriesCap: 1,
    meshMessageDeliveriesThreshold: 1,
    meshMessageDeliveriesWindow: 10,
    meshMessageDeliveriesActivation: 5000,
    meshFailurePenaltyWeight: 0,
    meshFailurePenaltyDecay: 0.5,
    // P4: invalid messages.
    invalidMessageDeliveriesWeight: -20,
    invalidMessageDeliveriesDecay: 0.99,
  }
}

export interface ScoreOptions {
  topic: string
  /**
   * The claims topic: scored like records (a claim every node refuses costs as much as such a
   * record), so a peer forwarding forged or oversized claims sinks the same way.
   */
  claimsTopic?: string
  /**
   * Local swarms (tests, benchmarks, several nodes on one host) share one IP: gossipsub's
   * IP-colocation penalty would graylist everyone past 10 peers. Its whitelist takes exact IPs
   * only (a CIDR matches nothing), so the penalty is switched off instead.
   */
  localSwarm: boolean
}

export function peerScoreParams(opts: ScoreOptions): Partial<PeerScoreParams> {
  return {
    topics: {
      [opts.topic]: resultsTopicScoreParams(),
      ...(opts.claimsTopic !== undefined ? { [opts.claimsTopic]: resultsTopicScoreParams() } : {}),
    },
    // Total positive topic score is capped; negative P4 is not.
    topicScoreCap: 10,
    ...(opts.localSwarm ? { IPColocationFactorWeight: 0 } : {}),
  }
}
