/**
 * The node's HTTP API on localhost: JSON for the CLI and dashboards. Read-only, bound to
 * 127.0.0.1 so only this machine can ask. The port is ephemeral by default and written to
 * <dataDir>/api.json, which is how `loopnet leaderboard` finds a running node.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { UserError } from '../errors.ts'
import type { LeaderboardOptions } from '../leaderboard/leaderboard.ts'

export const API_FILE = 'api.json'

/**
 * What the API serves; node-api.ts composes it from the store and the running services. A
 * method may throw an ApiAnswerError (unknown id, ambiguous prefix...): it answers with that
 * error's status and a body {error: <class name>, message}.
 */
export interface NodeApi {
  /** The board of every (tier, budget) group, or of one tier, one budget, or both. */
  leaderboard(options: LeaderboardOptions): unknown
  records(since: number, limit: number): unknown
  status(): unknown
  /** One record by id or unique id prefix, with its train file. */
  record(idOrPrefix: string): unknown
  /** One train file by hash or unique hash prefix, with the records that made or used it. */
  file(hashOrPrefix: string): unknown
  /** The diff that produced a file from its parent (by hash or unique hash prefix). */
  diff(hashOrPrefix: string): unknown
}

/**
 * An answer other than 200 that a NodeApi method chose (the error's name goes in the body): a
 * message for the user (an unknown or ambiguous hash), wherever it is reported.
 */
export abstract class ApiAnswerError extends UserError {
  override name = 'ApiAnswerError'
  /** The HTTP status of the answer. */
  abstract readonly status: number
}

export interface ApiServerInit {
  dataDir: string
  api: NodeApi
  /** 0 picks a free port. */
  port?: number
}

export class ApiServer {
  readonly #init: ApiServerInit
  #server: Server | undefined
  #url: string | undefined
  #requests = 0

  constructor(init: ApiServerInit) {
    this.#init = init
  }

  get url(): string | undefined {
    return this.#url
  }

  /** Requests answered since start (any route, any status). */
  get requests(): number {
    return this.#requests
  }

  async start(): Promise<void> {
    if (this.#server !== undefined) return
    const server = createServer((req, res) => {
      try {
        this.#requests++
        if (!isLocalHost(req.headers.host)) {
          send(res, 403, { error: 'ForbiddenHost', message: 'this API answers localhost only' })
          return
        }
        const [code, body] = answer(this.#init.api, new URL(req.url ?? '/', 'http://localhost'))
        send(res, code, body)
      } catch (err) {
        send(res, 500, { error: (err as Error).name, message: (err as Error).message })
      }
    })
    this.#server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.#init.port ?? 0, '127.0.0.1', () => resolve())
    })
    const { port } = server.address() as AddressInfo
    this.#url = `http://127.0.0.1:${port}`
    // Written atomically so a reader never sees half a file.
    const file = join(this.#init.dataDir, API_FILE)
    writeFileSync(`${file}.tmp`, JSON.stringify({ url: this.#url, pid: process.pid }))
    renameSync(`${file}.tmp`, file)
  }

  async stop(): Promise<void> {
    const server = this.#server
    if (server === undefined) return
    this.#server = undefined
    rmSync(join(this.#init.dataDir, API_FILE), { force: true })
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

/**
 * A web page elsewhere can point a name of its own at 127.0.0.1 (DNS rebinding) and read this
 * API from the user's browser: its requests then carry that name as Host. Ours carry a
 * loopback address or localhost.
 */
function isLocalHost(host: string | undefined): boolean {
  if (host === undefined) return true // HTTP/1.0 clients send none; no browser among them
  return /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i.test(host)
}

/** The segment after a route prefix, e.g. '/records/ab12' -> 'ab12'; undefined if none. */
function tail(pathname: string, prefix: string): string | undefined {
  if (!pathname.startsWith(prefix)) return undefined
  const rest = decodeURIComponent(pathname.slice(prefix.length))
  return rest === '' || rest.includes('/') ? undefined : rest
}

function optionalInt(text: string | null): number | undefined {
  return text === null ? undefined : Number(text)
}

/**
 * The routing table, as a pure function of the API and the request URL. The server answers
 * with it, and the CLI answers with it in-process over the store when no node runs, so both
 * paths produce the same bodies.
 */
export function answer(api: NodeApi, url: URL): [number, unknown] {
  try {
    return route(api, url)
  } catch (err) {
    if (err instanceof ApiAnswerError)
      return [err.status, { error: err.name, message: err.message }]
    if (err instanceof URIError) return [400, { error: 'BadRequest', message: err.message }]
    throw err
  }
}

function route(api: NodeApi, url: URL): [number, unknown] {
  const path = url.pathname
  const q = url.searchParams
  switch (path) {
    case '/leaderboard': {
      const rows = optionalInt(q.get('rows'))
      // safe integers only: SQLite refuses a LIMIT of 1e20 (a 500, not a 400)
      if (rows !== undefined && (!Number.isSafeInteger(rows) || rows <= 0))
        return [400, { error: 'BadRequest', message: 'rows must be a positive integer' }]
      const budget = q.get('budget') === null ? undefined : Number(q.get('budget'))
      if (budget !== undefined && !(Number.isFinite(budget) && budget > 0))
        return [
          400,
          { error: 'BadRequest', message: 'budget must be a positive number of seconds' },
        ]
      const verifyK = optionalInt(q.get('verify-k'))
      if (verifyK !== undefined && !(Number.isSafeInteger(verifyK) && verifyK > 0))
        return [400, { error: 'BadRequest', message: 'verify-k must be a positive integer' }]
      const tier = q.get('tier')
      return [
        200,
        api.leaderboard({
          ...(tier !== null ? { tier } : {}),
          ...(rows !== undefined ? { rows } : {}),
          ...(budget !== undefined ? { budgetSeconds: budget } : {}),
          ...(verifyK !== undefined ? { verifyK } : {}),
        }),
      ]
    }
    case '/records': {
      const since = Number(q.get('since') ?? 0)
      const limit = Math.min(Number(q.get('limit') ?? 500), 5000)
      if (!Number.isSafeInteger(since) || !Number.isSafeInteger(limit) || since < 0 || limit <= 0) {
        return [
          400,
          { error: 'BadRequest', message: 'since and limit must be non-negative integers' },
        ]
      }
      return [200, api.records(since, limit)]
    }
    case '/status':
      return [200, api.status()]
  }
  const id = tail(path, '/records/')
  if (id !== undefined) return [200, api.record(id)]
  const file = tail(path, '/files/')
  if (file !== undefined) return [200, api.file(file)]
  const diff = tail(path, '/diff/')
  if (diff !== undefined) return [200, api.diff(diff)]
  return [404, { error: 'NotFound', message: `no route ${path}` }]
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const json = JSON.stringify(body)
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  })
  res.end(json)
}
