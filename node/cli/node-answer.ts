/**
 * How read-only commands (leaderboard, show, diff) get their data: from the running node's API
 * when <dataDir>/api.json names a live one, else by answering the same route in-process over
 * the store file. Both go through server.ts answer() and a JSON round trip, so a command prints
 * the same bytes either way.
 */
import { NodeNotRunningError, requestJson, runningNodeUrl } from '../api/client.ts'
import { errorFromAnswer } from '../api/errors.ts'
import { createNodeApi } from '../api/node-api.ts'
import { answer } from '../api/server.ts'
import type { Store } from '../store/store.ts'
import { openDataDirStore } from './data-dir.ts'

export interface AskOptions {
  /** Answer for this genesis: reads the store directly (the node serves only its own). */
  genesis?: string
  signal?: AbortSignal
}

export interface NodeAnswer<T> {
  body: T
  /** Who answered: the running node's API or the store file. */
  via: 'api' | 'store'
}

/**
 * The genesis of the most recently inserted record, undefined for an empty store. Record idx
 * values are distinct positive integers, so the last one is at or after idx = total count.
 */
export function latestGenesis(store: Store): string | undefined {
  let cursor = Math.max(0, store.counts().total - 1)
  let last: string | undefined
  for (;;) {
    const page = store.recordsSince(cursor, 100)
    const rec = page.records.at(-1)
    if (rec === undefined) return last
    last = rec.genesis
    cursor = page.cursor
  }
}

/** GET `path` (a route of server.ts) and return its 200 body; other answers throw their error. */
export async function askNode<T>(
  dataDir: string,
  path: string,
  options: AskOptions = {},
): Promise<NodeAnswer<T>> {
  const url = options.genesis === undefined ? runningNodeUrl(dataDir) : undefined
  let got: [number, unknown] | undefined
  let via: NodeAnswer<T>['via'] = 'api'
  if (url !== undefined) {
    try {
      got = await requestJson(url, path, options.signal)
    } catch (err) {
      if (!(err instanceof NodeNotRunningError)) throw err
    }
  }
  if (got === undefined) {
    via = 'store'
    const store = openDataDirStore(dataDir)
    try {
      const api = createNodeApi({
        store,
        genesis: options.genesis ?? latestGenesis(store) ?? '',
        status: () => ({ running: false }),
      })
      const [code, body] = answer(api, new URL(path, 'http://localhost'))
      got = [code, JSON.parse(JSON.stringify(body))]
    } finally {
      store.close()
    }
  }
  const [code, body] = got
  if (code !== 200) throw errorFromAnswer(code, body)
  return { body: body as T, via }
}
