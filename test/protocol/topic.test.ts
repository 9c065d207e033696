/** protocol/topic.ts: topic and protocol names. */
import { describe, expect, it } from 'vitest'
import { fetchProtocol, RECORD_VERSION, resultsTopic, syncProtocol } from '../../protocol/index.ts'

describe('topics', () => {
  it('names topics and protocols after the genesis; results and sync carry the format', () => {
    expect(RECORD_VERSION).toBe(2)
    expect(resultsTopic('g')).toBe('/loopnet/g/results/2')
    expect(fetchProtocol('g')).toBe('/loopnet/g/fetch/1')
    expect(syncProtocol('g')).toBe('/loopnet/g/sync/2')
  })
})
