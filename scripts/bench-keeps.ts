/**
 * Do keeps reproduce? Runs the main job (a local swarm, one node per core, pinned, the built-in
 * proposer) for a wall-clock time, then re-runs every kept edit (not baselines, not
 * re-measures) once through the real harness, one pinned core each, and counts the keeps whose
 * re-run lands above the claim by more than k sigma of a difference (the reproduction rule),
 * and, stricter, those whose re-run no longer beats the parent's number (the gain was lost).
 * The count is the same whatever flags the swarm ran with, so two runs compare the decision
 * rules: `--node-args="--noise-runs 0 --noise-k 0"` is the old rule (any gain is kept).
 *
 *   npm run bench:keeps -- --minutes 30                      # the main job, today's defaults
 *   npm run bench:keeps -- --minutes 30 --node-args="--noise-runs 0 --noise-k 0"
 *   npm run bench:keeps -- --dir .loopnet/keeps --rerun-only   # re-run an earlier swarm's keeps
 *
 * Prints a table (one row per keep) and a JSON summary line.
 */
import { availableParallelism } from 'node:os'
import { join, resolve } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { parseArgs } from 'node:util'
import { execa } from 'execa'
import { pythonPath } from '../agent/paths.ts'
import { HARNESS_PY } from '../node/cli/trainer.ts'
import { type LoopnetProcess, pinnedCores, startLoopnet } from './testnet/loopnet-process.ts'

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    budget: { type: 'string', default: '30' },
    nodes: { type: 'string', default: String(availableParallelism()) },
    dir: { type: 'string', default: '.loopnet/keeps' },
    'node-args': { type: 'string', default: '' },
    'rerun-only': { type: 'boolean', default: false },
    // the reproduction rule: k sigma of the difference of two runs
    sigma: { type: 'string', default: '0.015' },
    k: { type: 'string', default: '2' },
  },
})
const count = Number(values.nodes)
const dir = resolve(values.dir)
const budget = values.budget
const tolerance = Number(values.k) * Number(values.sigma) * Math.SQRT2
const names = Array.from({ length: count }, (_, i) => `node${i + 1}`)

async function runSwarm(): Promise<void> {
  const nodes: LoopnetProcess[] = []
  const extra = values['node-args'].split(/\s+/).filter((a) => a !== '')
  try {
    for (const [i, name] of names.entries()) {
      const cpus = pinnedCores(i + 1, count)
      nodes.push(
        await startLoopnet({
          name,
          dataDir: join(dir, name),
          bootstrap: nodes.flatMap((n) => n.multiaddrs.filter((a) => a.includes('/127.0.0.1/'))),
          args: ['--budget', budget, '--seed', String(i + 1), ...extra],
          readyTimeoutMs: 600_000,
          ...(cpus !== undefined ? { cpus } : {}),
        }),
      )
    }
    process.stderr.write(`${count} nodes up; running ${values.minutes} min\n`)
    await new Promise((done) => setTimeout(done, Number(values.minutes) * 60_000))
  } finally {
    await Promise.all(nodes.map((n) => n.stop(300_000)))
  }
}

interface Keep {
  node: string
  seq: number
  description: string
  claimed: number
  parentValBpb: number | undefined
  text: string
}

/** Every kept edit a node made itself, with its file's text, from the node's own store. */
function keepsOf(name: string): Keep[] {
  const db = new DatabaseSync(join(dir, name, 'store.sqlite'), { readOnly: true })
  try {
    const rows = db
      .prepare(
        `SELECT r.seq, r.description, r.val_bpb, f.text,
                (SELECT p.val_bpb FROM records p JOIN local_runs pl ON pl.record_id = p.id
                  WHERE p.file_hash = r.parent_hash AND p.status = 'keep'
                  ORDER BY p.seq DESC LIMIT 1) AS parent_val
           FROM records r JOIN local_runs l ON l.record_id = r.id
           JOIN files f ON f.hash = r.file_hash
          WHERE r.status = 'keep' AND r.parent_hash != '' AND r.parent_hash != r.file_hash
          ORDER BY r.seq`,
      )
      .all() as Array<{
      seq: number
      description: string
      val_bpb: number
      text: string
      parent_val: number | null
    }>
    return rows.map((r) => ({
      node: name,
      seq: r.seq,
      description: r.description,
      claimed: r.val_bpb,
      parentValBpb: r.parent_val ?? undefined,
      text: r.text,
    }))
  } finally {
    db.close()
  }
}

/** One harness run of a file on one core: its val_bpb, or undefined when it gave none. */
async function rerun(text: string, core: number, tag: string): Promise<number | undefined> {
  const file = join(dir, `rerun-${tag}.py`)
  await import('node:fs/promises').then((fs) => fs.writeFile(file, text))
  const res = await execa(
    'taskset',
    ['-c', String(core), pythonPath(), HARNESS_PY, file, '--budget', budget, '--summary-fd', '3'],
    { reject: false, stdio: ['ignore', 'ignore', 'ignore', 'pipe'] },
  )
  const summary = String(res.stdio[3] ?? '')
  const m = /^val_bpb:\s+([0-9.]+)/m.exec(summary)
  return m?.[1] === undefined ? undefined : Number(m[1])
}

if (!values['rerun-only']) await runSwarm()
const keeps = names.flatMap(keepsOf)
const cores = availableParallelism()
const measured: Array<number | undefined> = new Array(keeps.length)
let next = 0
await Promise.all(
  Array.from({ length: Math.min(cores, keeps.length) }, async (_, core) => {
    while (next < keeps.length) {
      const i = next++
      const keep = keeps[i] as Keep
      measured[i] = await rerun(keep.text, core, `${keep.node}-${keep.seq}`)
    }
  }),
)
const rows = keeps.map((k, i) => {
  const again = measured[i]
  const reproduced = again !== undefined && again <= k.claimed + tolerance
  // stricter: the re-run still beats the parent's number (the gain itself held)
  const gainHeld = again !== undefined && k.parentValBpb !== undefined && again < k.parentValBpb
  return { ...k, text: undefined, rerun: again, reproduced, gainHeld }
})
process.stdout.write('node   seq  claimed   parent    re-run    held  gain  description\n')
for (const r of rows)
  process.stdout.write(
    `${r.node.padEnd(6)} ${String(r.seq).padStart(4)}  ${r.claimed.toFixed(4)}  ${r.parentValBpb?.toFixed(4) ?? '     -'}  ${r.rerun?.toFixed(4) ?? 'crash '}  ${r.reproduced ? 'yes ' : 'NO  '}  ${r.gainHeld ? 'yes ' : 'no  '}  ${r.description}\n`,
  )
const failed = rows.filter((r) => !r.reproduced).length
const gainLost = rows.filter((r) => !r.gainHeld).length
process.stdout.write(
  `${JSON.stringify({ minutes: Number(values.minutes), budget: Number(budget), nodes: count, nodeArgs: values['node-args'], keeps: rows.length, failed, gainLost, failedShare: rows.length === 0 ? 0 : failed / rows.length, tolerance, rows })}\n`,
)
