/**
 * The gossipsub topic validator of the results topic: runs protocol validation on every incoming
 * record and turns its verdict into gossipsub's TopicValidatorResult, so a peer forwarding
 * rejected records loses score (scoring-parameters.ts).
 */
import { type TopicValidatorFn, TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import {
  type GossipVerdict,
  gossipVerdict,
  isRecordError,
  SeqNotMonotonicError,
} from '../../../protocol/errors.ts'
import { type EncodedRecord, recordId } from '../../../protocol/record.ts'
import { validateRecord } from '../../../protocol/validation/index.ts'
import type { FileSource, RecordRejectedDetail, RecordSink } from '../interfaces.ts'

/** gossipsub's spelling of a verdict. */
export function toTopicValidatorResult(verdict: GossipVerdict): TopicValidatorResult {
  switch (verdict) {
    case 'accept':
      return TopicValidatorResult.Accept
    case 'ignore':
      return TopicValidatorResult.Ignore
    case 'reject':
      return TopicValidatorResult.Reject
  }
}

export interface RecordValidatorInit {
  genesis: string
  /** What this node holds (records accepted but not yet stored included). */
  sink: Pick<RecordSink, 'has' | 'lastSeq'>
  files: FileSource
  /**
   * A valid record new to this node. Runs before gossipsub forwards it: storing it belongs after
   * the forward (store-after-forward.ts), and until then the sink must count it as held.
   */
  onValid(record: EncodedRecord, from: PeerId): void
  /** A record that failed validation. */
  onInvalid(detail: RecordRejectedDetail): void
  /**
   * The forwarding peer holds records of an author this node lacks (a seq gap, or one that
   * arrived out of order): sync from it, which fills gaps that strict gossip order cannot.
   */
  onGap(from: PeerId): void
}

export function createRecordValidator(init: RecordValidatorInit): TopicValidatorFn {
  return async (from, message) => {
    // Content-addressed: a record held already (from sync, or an earlier copy) was validated
    // when it was stored; accepting lets it travel on without a second check.
    if (init.sink.has(recordId(message.data))) return TopicValidatorResult.Accept
    try {
      const record = await validateRecord(message.data, {
        genesis: init.genesis,
        lastSeq: (author) => init.sink.lastSeq(author),
        getFile: (hash) => init.files.getFile(hash),
      })
      const last = init.sink.lastSeq(record.record.author)
      if (last !== undefined && record.record.seq > last + 1) init.onGap(from)
      init.onValid(record, from)
      return TopicValidatorResult.Accept
    } catch (err) {
      const verdict = gossipVerdict(err, from.toString())
      if (err instanceof SeqNotMonotonicError) {
        // Not held (checked above), so the forwarder has an older record this node missed.
        init.onGap(from)
      }
      init.onInvalid({
        via: 'gossip',
        from: from.toString(),
        code: isRecordError(err) ? err.code : 'INTERNAL',
        verdict,
        message: (err as Error).message,
      })
      return toTopicValidatorResult(verdict)
    }
  }
}
