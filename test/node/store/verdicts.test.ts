/**
 * node/store/verdicts.ts through the solo swarm view: bestKnown ranks peers' keeps within a
 * budget and passes over every file this node rejected, refuted or crashed on.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { SoloSwarmView } from '../../../node/solo.ts'
import { LOCAL_RUN } from '../../fixtures/p2p/records.ts'
import { closeStores, open, record } from './helpers.ts'

afterEach(closeStores)

describe('rejected records and budgets', () => {
  it('bestKnown ranks within a budget and never returns a file this node rejected, refuted or crashed on', async () => {
    const store = await open()
    const view = new SoloSwarmView(store, 'g1')
    store.setState('node_id', 'me')
    const none = { files: new Set<string>(), authors: new Set<string>() }
    // peers' KEEPs at two budgets: 60 s and 300 s never compete
    store.insertRecord(record(1, { author: 'bob', status: 'keep', valBpb: 2.1, fileHash: 'FB' }))
    store.insertRecord(record(2, { author: 'bob', status: 'keep', valBpb: 2.2, fileHash: 'FC' }))
    store.insertRecord(record(3, { author: 'bob', status: 'keep', valBpb: 2.3, fileHash: 'FD' }))
    store.insertRecord(record(1, { author: 'eve', status: 'keep', valBpb: 1.0, fileHash: 'FE' }))
    store.insertRecord(
      record(1, {
        author: 'carl',
        status: 'keep',
        valBpb: 0.9,
        fileHash: 'FL',
        budgetSeconds: 300,
      }),
    )
    expect((await view.bestKnown('cpu-2c', undefined, none, 60))?.fileHash).toBe('FE')
    expect((await view.bestKnown('cpu-2c', undefined, none, 300))?.fileHash).toBe('FL')
    expect(await view.bestKnown('cpu-2c', undefined, none, 30)).toBeUndefined()
    // no budget: any budget of the tier (a caller from before budgets)
    expect((await view.bestKnown('cpu-2c'))?.fileHash).toBe('FL')

    // this node re-measured eve's FE: the harness rejected it here (no local facts: its own
    // record synced back, known as its own by the node id)
    store.insertRecord(
      record(1, {
        author: 'me',
        parentHash: 'FE',
        fileHash: 'FE',
        status: 'rejected',
        reason: 'non-causal',
        valBpb: 0,
      }),
    )
    expect((await view.bestKnown('cpu-2c', undefined, none, 60))?.fileHash).toBe('FB')
    // ...and refuted bob's FB (its local facts say so)
    store.insertRecord(
      record(2, { author: 'me', parentHash: 'FB', fileHash: 'FB', status: 'discard', valBpb: 2.5 }),
      { local: { ...LOCAL_RUN, claimedBy: 'bob', rebaseVerdict: 'refuted' } },
    )
    expect((await view.bestKnown('cpu-2c', undefined, none, 60))?.fileHash).toBe('FC')
    // a re-measure that reproduced the claim but did not beat this node's best refutes nothing
    store.insertRecord(
      record(3, { author: 'me', parentHash: 'FC', fileHash: 'FC', status: 'discard', valBpb: 2.2 }),
      { local: { ...LOCAL_RUN, claimedBy: 'bob', rebaseVerdict: 'not-better-here' } },
    )
    expect((await view.bestKnown('cpu-2c', undefined, none, 60))?.fileHash).toBe('FC')
    // a solo run (another author id, with local facts) rejected FC here too
    store.insertRecord(
      record(1, {
        author: 'local-0123456789abcdef',
        parentHash: 'FA',
        fileHash: 'FC',
        status: 'rejected',
        reason: 'val-text',
        valBpb: 0,
      }),
      { local: LOCAL_RUN },
    )
    expect((await view.bestKnown('cpu-2c', undefined, none, 60))?.fileHash).toBe('FD')
    // and FD's re-run crashed here: no run here produced its number
    store.insertRecord(
      record(4, {
        author: 'me',
        parentHash: 'FD',
        fileHash: 'FD',
        status: 'crash',
        reason: 'timeout',
        valBpb: 0,
      }),
    )
    expect(await view.bestKnown('cpu-2c', undefined, none, 60)).toBeUndefined()
    expect(store.verdictsHere('g1').map((v) => [v.fileHash, v.verdict, v.reason])).toEqual([
      ['FE', 'rejected', 'non-causal'],
      ['FB', 'refuted', ''],
      ['FC', 'rejected', 'val-text'],
      ['FD', 'crashed', 'timeout'],
    ])
  })
})
