/**
 * Limits every node must share exactly: a record one node accepts and another rejects would
 * make honest relays look malicious to gossipsub scoring, and a message larger than a
 * receiver's inbound limit makes it drop the sender (docs/ARCHITECTURE.md, "Network pitfalls").
 */

const KiB = 1024
const MiB = 1024 * KiB

/** Largest unified diff in a record (UTF-8 bytes). */
export const MAX_DIFF_BYTES = 256 * KiB
/** Largest encoded record, signature included: also the gossip publish/inbound data limit. */
export const MAX_RECORD_BYTES = 512 * KiB
/** Largest train file served by fetch: a diff can only grow a file so much per step. */
export const MAX_FILE_BYTES = 4 * MiB

/** Short strings: a tier key like cuda-h100-80g, a one-line hypothesis. */
export const MAX_TIER_BYTES = 64
export const MAX_DESCRIPTION_BYTES = 4 * KiB

/**
 * val_bpb of a finished run must lie in (0, MAX_VAL_BPB): a byte-level model that has learned
 * nothing sits at 8 bits per byte, so 10 leaves room for a bad run without admitting nonsense.
 */
export const MAX_VAL_BPB = 10

/**
 * A record's noise_sigma (one run's standard deviation of val_bpb) must lie in [0, this): the
 * spread measured on CPU at 30 s is 0.015, on an H100 at 300 s under 0.001; a whole bpb
 * between runs of one file is no measurement.
 */
export const MAX_NOISE_SIGMA = 1

/**
 * Seconds bounds. A budget is at most MAX_TRAINING_SECONDS (the largest tier budget is 300 s, a
 * flag may give more); total time adds start-up, compilation, the evaluation and the probes,
 * which an hour bounds with a wide margin. A crash or rejection may have trained past its budget
 * (the harness kills a hang at 2x budget + grace), so only MAX_TOTAL_SECONDS bounds its training.
 */
export const MAX_TRAINING_SECONDS = 600
export const MAX_TOTAL_SECONDS = 3600

/**
 * The harness's over-budget rule (trainer/harness.py OVER_BUDGET_SLACK, OVER_BUDGET_MIN_SECONDS):
 * a finished run may train max(3 s, 5 %) past its budget (the step that crosses it, the hand-off
 * of the weights); a longer one is rejected as over-budget. Every node refuses a keep or a
 * discard that claims more, so no author can keep a file by training longer than the budget.
 */
export const OVER_BUDGET_SLACK = 0.05
export const OVER_BUDGET_MIN_SECONDS = 3
/** The summary prints seconds in tenths: a value rounded up by at most half of one still passes. */
export const SECONDS_ROUNDING = 0.05

/** The most training seconds a keep or discard of this budget may report. */
export function maxTrainingSeconds(budgetSeconds: number): number {
  return (
    budgetSeconds +
    Math.max(OVER_BUDGET_MIN_SECONDS, OVER_BUDGET_SLACK * budgetSeconds) +
    SECONDS_ROUNDING
  )
}

/** A crash's or rejection's reason: a short lowercase name (timeout, non-causal, over-budget). */
export const MAX_REASON_BYTES = 48

/** Ed25519 signatures are 64 bytes. */
export const SIGNATURE_BYTES = 64

/** Sync page size: records per page, and bytes per page (one record may overshoot it). */
export const SYNC_PAGE_RECORDS = 500
export const SYNC_PAGE_BYTES = 4 * MiB
/** Length-prefixed message limits on the request/response streams. */
export const SYNC_MAX_MESSAGE_BYTES = SYNC_PAGE_BYTES + MAX_RECORD_BYTES + 64 * KiB
export const FETCH_MAX_MESSAGE_BYTES = MAX_FILE_BYTES + 64 * KiB

/**
 * Largest gossipsub RPC frame a node accepts (gossipsub's maxInboundDataLength). An RPC can carry
 * several records at once (IWANT replies, batched forwards), so it is larger than one record;
 * it must be the same everywhere, since a frame over a receiver's limit makes it drop the sender.
 */
export const GOSSIP_MAX_RPC_BYTES = 16 * MiB
