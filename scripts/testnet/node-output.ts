/**
 * What a testnet node process (p2p-node.ts, bare-node.ts) prints: one JSON event a line on
 * stdout, with times and CPU figures both kinds measure alike, so the benchmark compares them.
 */

/** Wall-clock ms with sub-ms precision, comparable across processes on one machine. */
export function now(): number {
  return performance.timeOrigin + performance.now()
}

/** CPU time this process used so far (user + system), in ms. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

export function emit(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`)
}
