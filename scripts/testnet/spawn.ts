/**
 * Spawns testnet node processes (p2p-node.ts, or bare-node.ts for the gossipsub baseline) and
 * turns their JSON-line stdout into awaitable events. Used by test/p2p.test.ts and
 * scripts/bench-gossip.ts alike. Nothing here sleeps: callers wait on events with timeouts.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))

export type NodeKind = 'loopnet' | 'bare'

export interface NodeEvent {
  event: string
  [key: string]: unknown
}

export interface SpawnOptions {
  kind?: NodeKind
  name?: string
  dataDir: string
  genesis: string
  bootstrap?: string[]
  listen?: string
  /** How long to wait for the ready line. */
  readyTimeoutMs?: number
  /** Extra CLI arguments. */
  args?: string[]
}

/** An event did not arrive in time, or the process exited first. */
export class NodeEventTimeoutError extends Error {
  override name = 'NodeEventTimeoutError'
}

interface Waiter {
  match(e: NodeEvent): boolean
  resolve(e: NodeEvent): void
  reject(err: Error): void
  timer: ReturnType<typeof setTimeout>
}

export class TestnetNode {
  readonly name: string
  readonly proc: ChildProcess
  /** Every event printed so far, in order. */
  readonly events: NodeEvent[] = []
  peerId = ''
  multiaddrs: string[] = []
  private readonly waiters = new Set<Waiter>()
  private readonly listeners = new Set<(e: NodeEvent) => void>()
  private exited = false
  private stderrTail = ''
  private nextReq = 0

  constructor(name: string, proc: ChildProcess) {
    this.name = name
    this.proc = proc
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let event: NodeEvent
      try {
        event = JSON.parse(line) as NodeEvent
      } catch {
        return
      }
      this.events.push(event)
      for (const l of this.listeners) l(event)
      for (const w of this.waiters) {
        if (w.match(event)) {
          this.waiters.delete(w)
          clearTimeout(w.timer)
          w.resolve(event)
        }
      }
    })
    proc.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000)
    })
    proc.on('exit', (code, signal) => {
      this.exited = true
      for (const w of this.waiters) {
        clearTimeout(w.timer)
        w.reject(
          new NodeEventTimeoutError(
            `${this.name} exited (${code ?? signal}) while waiting; stderr: ${this.stderrTail}`,
          ),
        )
      }
      this.waiters.clear()
    })
  }

  get isRunning(): boolean {
    return !this.exited
  }

  /** Calls `fn` for every event from now on; returns an unsubscribe function. */
  onEvent(fn: (e: NodeEvent) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  /** The first event (already printed, or yet to come) matching `match`. */
  waitFor(
    match: (e: NodeEvent) => boolean,
    timeoutMs = 30_000,
    what = 'event',
  ): Promise<NodeEvent> {
    const seen = this.events.find(match)
    if (seen !== undefined) return Promise.resolve(seen)
    return this.waitForNext(match, timeoutMs, what)
  }

  /** The next event matching `match`, ignoring those already printed. */
  waitForNext(
    match: (e: NodeEvent) => boolean,
    timeoutMs = 30_000,
    what = 'event',
  ): Promise<NodeEvent> {
    if (this.exited) {
      return Promise.reject(
        new NodeEventTimeoutError(`${this.name} has exited; stderr: ${this.stderrTail}`),
      )
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter)
          reject(new NodeEventTimeoutError(`${this.name}: no ${what} within ${timeoutMs} ms`))
        }, timeoutMs),
      }
      this.waiters.add(waiter)
    })
  }

  /** Waits for the line that announces the node (`event`) and takes its peer id and addresses. */
  async announced(event: string, timeoutMs: number): Promise<void> {
    const ready = await this.waitFor((e) => e.event === event, timeoutMs, event)
    this.peerId = String(ready.peerId)
    this.multiaddrs = (ready.multiaddrs as string[]) ?? []
  }

  /** Sends a command line. */
  send(command: Record<string, unknown>): void {
    this.proc.stdin?.write(`${JSON.stringify(command)}\n`)
  }

  /** Sends a command and waits for the reply event carrying its req id. */
  request(
    command: Record<string, unknown>,
    replyEvent: string | string[],
    timeoutMs = 30_000,
  ): Promise<NodeEvent> {
    const req = `${this.name}-${this.nextReq++}`
    const events = Array.isArray(replyEvent) ? replyEvent : [replyEvent]
    const reply = this.waitForNext(
      (e) => e.req === req && (events.includes(e.event) || e.event === 'error'),
      timeoutMs,
      `${events.join('|')} for ${String(command.cmd)}`,
    )
    this.send({ ...command, req })
    return reply
  }

  /** Records this node has received (or published), by id. */
  recordIds(): Set<string> {
    return new Set(this.events.filter((e) => e.event === 'record').map((e) => String(e.id)))
  }

  /** Graceful stop; kills after timeoutMs. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.exited) return
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()))
    this.send({ cmd: 'stop' })
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs)
    await exited
    clearTimeout(timer)
  }
}

export async function spawnNode(opts: SpawnOptions): Promise<TestnetNode> {
  const script = join(HERE, opts.kind === 'bare' ? 'bare-node.ts' : 'p2p-node.ts')
  const args = [
    script,
    '--data-dir',
    opts.dataDir,
    '--genesis',
    opts.genesis,
    '--listen',
    opts.listen ?? '/ip4/127.0.0.1/tcp/0',
    ...(opts.bootstrap ?? []).flatMap((b) => ['--bootstrap', b]),
    ...(opts.args ?? []),
  ]
  const proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  const node = new TestnetNode(opts.name ?? opts.dataDir, proc)
  await node.announced('ready', opts.readyTimeoutMs ?? 60_000)
  return node
}

/** Stops all nodes, in parallel. */
export async function stopAll(nodes: Iterable<TestnetNode | undefined>): Promise<void> {
  await Promise.all([...nodes].map((n) => n?.stop()))
}
