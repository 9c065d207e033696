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
 * Seconds bounds. The largest tier budget is 300 s (GPU) and the runner kills at 2x budget, so
 * training time cannot honestly exceed 600 s; total time adds start-up, compilation and the
 * evaluation pass, which an hour bounds with a wide margin.
 */
export const MAX_TRAINING_SECONDS = 600
export const MAX_TOTAL_SECONDS = 3600

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
