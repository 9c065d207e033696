/**
 * The node's HTTP API on localhost: JSON for the CLI and dashboards. Read-only, bound to
 * 127.0.0.1 so only this machine can ask. The port is ephemeral by default and written to
 * <dataDir>/api.json, which is how `loopnet leaderboard` finds a running node.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'

export const API_FILE = 'api.json'

/** What the API serves; node/ composes it from the store and the running services. */
export interface NodeApi {
  leaderboard(tier: string | undefined): unknown
  records(since: number, limit: number): unknown
  status(): unknown
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

  constructor(init: ApiServerInit) {
    this.#init = init
  }

  get url(): string | undefined {
    return this.#url
  }

  async start(): Promise<void> {
    if (this.#server !== undefined) return
    const server = createServer((req, res) => {
      try {
        this.#route(new URL(req.url ?? '/', 'http://localhost'), res)
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

  #route(url: URL, res: ServerResponse): void {
    const [code, body] = this.#answer(url)
    send(res, code, body)
  }

  #answer(url: URL): [number, unknown] {
    const { api } = this.#init
    switch (url.pathname) {
      case '/leaderboard':
        return [200, api.leaderboard(url.searchParams.get('tier') ?? undefined)]
      case '/records': {
        const since = Number(url.searchParams.get('since') ?? 0)
        const limit = Math.min(Number(url.searchParams.get('limit') ?? 500), 5000)
        if (!Number.isInteger(since) || !Number.isInteger(limit) || since < 0 || limit <= 0) {
          return [
            400,
            { error: 'BadRequest', message: 'since and limit must be non-negative integers' },
          ]
        }
        return [200, api.records(since, limit)]
      }
      case '/status':
        return [200, api.status()]
      default:
        return [404, { error: 'NotFound', message: `no route ${url.pathname}` }]
    }
  }
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const json = JSON.stringify(body)
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  })
  res.end(json)
}
