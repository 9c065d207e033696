/**
 * The node's API over its store: the leaderboard, records for sync and dashboards, and the
 * lookups behind `loopnet show` and `loopnet diff`. The running node serves it through
 * ApiServer; the CLI, when no node runs, answers the same routes in-process over the store file
 * (server.ts answer()), so both print the same thing.
 */
import { createTwoFilesPatch } from 'diff'
import { buildLeaderboard, type LeaderboardSource } from '../leaderboard/leaderboard.ts'
import type { Store, StoredRecord } from '../store/store.ts'
import { AmbiguousPrefixError, BadHashError, NoDiffError, UnknownHashError } from './errors.ts'
import type { NodeApi } from './server.ts'

/** What the API reads: the leaderboard queries and a few record and file lookups. */
export type NodeApiStore = LeaderboardSource & Pick<Store, 'getRecord' | 'getFile' | 'recordsSince'>

export interface NodeApiInit {
  store: NodeApiStore
  /** The swarm this node is in: the leaderboard and /records are of this genesis. */
  genesis: string
  /** The body of GET /status (the composition root knows what runs). */
  status: () => unknown
}

/** A record as JSON: the signature (when signed) as hex. */
export type RecordJson = Omit<StoredRecord, 'signature'> & { signature: string | null }

export interface RecordAnswer {
  record: RecordJson
  /** The record's train file, null when this node does not hold it. */
  fileText: string | null
}

export interface FileAnswer {
  hash: string
  /** null when only records name the file and its text is not held here. */
  text: string | null
  /** Records whose file this is, oldest first: its finder, then re-measures. */
  producedBy: RecordJson[]
  /** Records made on it as their parent (re-measures excluded), oldest first. */
  builtOn: RecordJson[]
}

export interface DiffAnswer {
  fileHash: string
  parentHash: string
  /** The finder's record: the first record that made this file from a different parent. */
  record: RecordJson
  diff: string
  /** true when the record carried no diff and it was computed from the two held files. */
  computed: boolean
}

/** Shortest id/hash prefix looked up: 8 hex digits make accidental collisions unlikely. */
export const MIN_PREFIX = 8
const HEX = /^[0-9a-f]+$/
const SCAN_PAGE = 1000

export function recordJson(rec: StoredRecord): RecordJson {
  const { signature, ...rest } = rec
  return {
    ...rest,
    signature: signature === undefined ? null : Buffer.from(signature).toString('hex'),
  }
}

function checkPrefix(text: string, what: string): string {
  const q = text.toLowerCase()
  if (!HEX.test(q) || q.length > 64)
    throw new BadHashError(`'${text}' is not a ${what} (up to 64 hex digits)`)
  if (q.length < MIN_PREFIX)
    throw new BadHashError(`'${text}' is too short: give at least ${MIN_PREFIX} hex digits`)
  return q
}

/** Every record (any genesis) for which keep() holds, in insertion order. */
function scan(store: NodeApiStore, keep: (rec: StoredRecord) => boolean): StoredRecord[] {
  const out: StoredRecord[] = []
  let cursor = 0
  for (;;) {
    const page = store.recordsSince(cursor, SCAN_PAGE)
    for (const rec of page.records) if (keep(rec)) out.push(rec)
    if (page.records.length < SCAN_PAGE) return out
    cursor = page.cursor
  }
}

const byCreation = (a: StoredRecord, b: StoredRecord): number =>
  a.createdAt - b.createdAt || a.idx - b.idx

export function findRecord(store: NodeApiStore, idOrPrefix: string): StoredRecord {
  const q = checkPrefix(idOrPrefix, 'record id')
  if (q.length === 64) {
    const rec = store.getRecord(q)
    if (rec === undefined) throw new UnknownHashError(`no record ${q} in this store`)
    return rec
  }
  const matches = scan(store, (rec) => rec.id.startsWith(q))
  const [only] = matches
  if (only === undefined) throw new UnknownHashError(`no record id starts with ${q}`)
  if (matches.length > 1)
    throw new AmbiguousPrefixError(
      `${q} is the start of ${matches.length} record ids (${matches
        .slice(0, 5)
        .map((r) => r.id.slice(0, 16))
        .join(', ')}${matches.length > 5 ? ', ...' : ''}): give more digits`,
    )
  return only
}

/**
 * A train file by hash or unique prefix. A prefix is matched against the file and parent
 * hashes that records name (files without any record are found by their full hash only).
 */
export function findFile(store: NodeApiStore, hashOrPrefix: string): FileAnswer {
  const q = checkPrefix(hashOrPrefix, 'file hash')
  const related = scan(store, (rec) => rec.fileHash.startsWith(q) || rec.parentHash.startsWith(q))
  const hashes = new Set<string>()
  if (q.length === 64) hashes.add(q)
  else
    for (const rec of related)
      for (const h of [rec.fileHash, rec.parentHash]) if (h.startsWith(q)) hashes.add(h)
  if (hashes.size > 1)
    throw new AmbiguousPrefixError(
      `${q} is the start of ${hashes.size} file hashes (${[...hashes]
        .slice(0, 5)
        .map((h) => h.slice(0, 16))
        .join(', ')}${hashes.size > 5 ? ', ...' : ''}): give more digits`,
    )
  const [hash] = hashes
  if (hash === undefined) throw new UnknownHashError(`no train file hash starts with ${q}`)
  const text = store.getFile(hash) ?? null
  const producedBy = related.filter((r) => r.fileHash === hash).sort(byCreation)
  const builtOn = related
    .filter((r) => r.parentHash === hash && r.fileHash !== hash)
    .sort(byCreation)
  if (text === null && producedBy.length === 0 && builtOn.length === 0)
    throw new UnknownHashError(`no train file ${hash} in this store`)
  return {
    hash,
    text,
    producedBy: producedBy.map(recordJson),
    builtOn: builtOn.map(recordJson),
  }
}

/** The diff of the record that found a file, against that record's parent. */
export function findDiff(store: NodeApiStore, hashOrPrefix: string): DiffAnswer {
  const file = findFile(store, hashOrPrefix)
  const short = file.hash.slice(0, 12)
  const finder = file.producedBy.find((r) => r.parentHash !== '' && r.parentHash !== r.fileHash)
  if (finder === undefined) {
    if (file.producedBy.some((r) => r.parentHash === ''))
      throw new NoDiffError(`file ${short} is a baseline: it has no parent to diff against`)
    if (file.producedBy.length > 0)
      throw new NoDiffError(
        `file ${short} is held only through re-measures here: its finder's record (and diff) is not`,
      )
    throw new NoDiffError(`no record here produced file ${short}, so its parent is unknown`)
  }
  const base = { fileHash: file.hash, parentHash: finder.parentHash, record: finder }
  if (finder.diff !== '') return { ...base, diff: finder.diff, computed: false }
  const parentText = store.getFile(finder.parentHash)
  if (parentText === undefined || file.text === null)
    throw new NoDiffError(
      `record ${finder.id.slice(0, 12)} carries no diff and ${
        parentText === undefined ? `the parent ${finder.parentHash.slice(0, 12)}` : `file ${short}`
      } is not held here`,
    )
  const diff = createTwoFilesPatch('train.py', 'train.py', parentText, file.text, '', '')
  return { ...base, diff, computed: true }
}

export function createNodeApi(init: NodeApiInit): NodeApi {
  const { store, genesis } = init
  return {
    leaderboard: (options) => buildLeaderboard(store, genesis, options),
    records: (since, limit) => {
      const page = store.recordsSince(since, limit, genesis)
      return { records: page.records.map(recordJson), cursor: page.cursor }
    },
    status: init.status,
    record: (idOrPrefix): RecordAnswer => {
      const record = findRecord(store, idOrPrefix)
      return { record: recordJson(record), fileText: store.getFile(record.fileHash) ?? null }
    },
    file: (hashOrPrefix): FileAnswer => findFile(store, hashOrPrefix),
    diff: (hashOrPrefix): DiffAnswer => findDiff(store, hashOrPrefix),
  }
}
