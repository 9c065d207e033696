/**
 * `loopnet status`: the node's best, its keep/discard/crash/rejected counts and the run in progress,
 * read from the store and <dataDir>/run.json (the daemon may be running or not).
 */
import { isAlive, type RunState, readRunState } from '../../../agent/run-state.ts'
import { budget } from '../../leaderboard/format.ts'
import type { Counts } from '../../store/store.ts'
import { defineCommand } from '../commands.ts'
import { openDataDirStore, resolveDataDir } from '../data-dir.ts'
import { oneLine, shortHash } from '../text.ts'

const usage = `Usage: loopnet status [--data-dir DIR] [--json]

Shows this node's best kept experiment, its keep/discard/crash/rejected counts and the current
run.

Options:
  --data-dir DIR   node data (default: $LOOPNET_DATA_DIR or ./.loopnet)
  --json           one JSON object on stdout`

export interface NodeStatus {
  dataDir: string
  nodeId: string | undefined
  running: boolean
  pid: number | undefined
  phase: RunState['phase'] | undefined
  counts: Counts
  best:
    | {
        valBpb: number
        fileHash: string
        tier: string
        budgetSeconds: number
        description: string
        seq: number
      }
    | undefined
  current: RunState['current'] | undefined
  /** The last run a stop cut short (not recorded as an experiment). */
  interrupted: RunState['interrupted'] | undefined
}

export function readStatus(dataDir: string): NodeStatus {
  const store = openDataDirStore(dataDir)
  try {
    const nodeId = store.getState('node_id')
    const counts =
      nodeId === undefined
        ? { keep: 0, discard: 0, crash: 0, rejected: 0, total: 0 }
        : store.counts({ author: nodeId })
    const own = nodeId === undefined ? [] : store.ownRuns(nodeId)
    const lastKeep = own.filter((r) => r.fields.status === 'keep').at(-1)
    const best =
      lastKeep === undefined
        ? undefined
        : {
            valBpb: lastKeep.fields.valBpb,
            fileHash: lastKeep.fields.fileHash,
            tier: lastKeep.fields.tier,
            budgetSeconds: lastKeep.fields.budgetSeconds,
            description: lastKeep.fields.description,
            seq: lastKeep.fields.seq,
          }
    const state = readRunState(dataDir)
    const running = state !== undefined && state.phase !== 'stopped' && isAlive(state.pid)
    return {
      dataDir,
      nodeId,
      running,
      pid: running ? state?.pid : undefined,
      phase: running ? state?.phase : undefined,
      counts,
      best,
      current: running ? state?.current : undefined,
      interrupted: state?.interrupted,
    }
  } finally {
    store.close()
  }
}

export function formatStatus(s: NodeStatus): string {
  const lines = [`node     ${s.nodeId ?? '(none yet)'}  data ${s.dataDir}`]
  lines.push(
    `best     ${s.best === undefined ? 'none yet' : `${s.best.valBpb.toFixed(6)} (#${s.best.seq}, ${s.best.tier}, budget ${budget(s.best.budgetSeconds)}, ${shortHash(s.best.fileHash)}) ${oneLine(s.best.description)}`}`,
  )
  lines.push(
    `runs     ${s.counts.total}: ${s.counts.keep} keep, ${s.counts.discard} discard, ${s.counts.crash} crash, ${s.counts.rejected} rejected`,
  )
  if (!s.running) lines.push('state    not running')
  else if (s.current === undefined) lines.push(`state    running (pid ${s.pid}), ${s.phase}`)
  else {
    const c = s.current
    const elapsed = ((Date.now() - c.startedAt) / 1000).toFixed(0)
    const pct = c.fraction === undefined ? '' : ` ${(c.fraction * 100).toFixed(0)}%`
    lines.push(
      `state    running (pid ${s.pid}): #${c.seq} ${c.description} [${c.source}], ${elapsed} s${pct}${c.step !== undefined ? ` step ${c.step}` : ''}`,
    )
  }
  if (s.interrupted !== undefined && !s.running)
    lines.push(
      `last     #${s.interrupted.seq} ${s.interrupted.description} was interrupted by a stop (not recorded)`,
    )
  return lines.join('\n')
}

const command = defineCommand(
  usage,
  { 'data-dir': { type: 'string' }, json: { type: 'boolean' } },
  async (values) => {
    const status = readStatus(resolveDataDir(values['data-dir']))
    console.log(values.json ? JSON.stringify(status) : formatStatus(status))
    return 0
  },
)

export default command
