/**
 * How `loopnet start` shows the loop: a progress bar on a TTY, plain log lines otherwise, one
 * JSON object per event with --json. Subscribes to the loop's typed events; no logic.
 */
import type { AgentLoop } from '../../../agent/loop.ts'
import { type AgentLoopEvents, LOOP_EVENT_NAMES } from '../../../agent/loop-events.ts'
import { firstLine, oneLine, shortHash, type ViewMode, type Write, writeStdout } from '../text.ts'

export function attachView(loop: AgentLoop, mode: ViewMode, out: Write = writeStdout): () => void {
  const offs: Array<() => void> = []
  const on = <K extends keyof AgentLoopEvents & string>(
    type: K,
    fn: (d: AgentLoopEvents[K]) => void,
  ): void => {
    offs.push(loop.addListener(type, fn))
  }
  if (mode === 'json') {
    for (const name of LOOP_EVENT_NAMES)
      on(name, (detail) =>
        out(`${JSON.stringify({ event: name, time: Date.now(), ...stripText(detail) })}\n`),
      )
    return () => {
      for (const off of offs) off()
    }
  }

  const tty = mode === 'tty'
  let barShown = false
  const clearBar = (): void => {
    if (barShown) out('\r\x1b[2K')
    barShown = false
  }
  const line = (text: string): void => {
    clearBar()
    out(`${text}\n`)
  }
  let current = ''
  on('resumed', (d) =>
    line(
      d.previousGenesis !== undefined
        ? `loopnet: the ${d.experiments} runs in this data dir belong to another swarm (genesis ${shortHash(d.previousGenesis)}: an older loopnet's train file contract or metric); a new lineage starts from the new baseline, and the old runs stay in results.tsv and the store`
        : d.experiments === 0
          ? 'loopnet: fresh start, the first experiment is the baseline'
          : `loopnet: resumed after ${d.experiments} experiments, parent ${shortHash(d.parentHash)} val_bpb ${d.parentValBpb?.toFixed(6) ?? 'n/a'}${d.tsvLinesAdded > 0 ? ` (${d.tsvLinesAdded} results.tsv lines restored)` : ''}`,
    ),
  )
  on('noise-estimated', (d) => line(`loopnet: ${d.description}`))
  on('experiment-started', (d) => {
    current = `#${d.seq} ${oneLine(d.description)}`
    if (!tty) line(`start  ${current} (${d.source}, budget ${d.budgetSeconds} s)`)
  })
  on('progress', (d) => {
    if (!tty) return
    const f = Math.max(0, Math.min(1, d.fraction ?? 0))
    const width = 24
    const filled = Math.round(f * width)
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`
    const loss = d.loss === undefined ? '' : ` loss ${d.loss.toFixed(3)}`
    const cols = process.stdout.columns ?? 100
    const text = `${bar} ${(f * 100).toFixed(0).padStart(3)}% step ${d.step}${loss} ${current}`
    out(`\r\x1b[2K${text.slice(0, cols - 1)}`)
    barShown = true
  })
  on('experiment-finished', (d) => {
    const r = d.record
    // a crash or a rejection has no score: its reason stands where the number would
    const scored = r.status === 'keep' || r.status === 'discard'
    const bpb = scored ? r.valBpb.toFixed(6) : oneLine(r.reason || r.status).padEnd(8)
    const delta =
      scored && d.parentValBpb !== undefined ? ` (${signed(r.valBpb - d.parentValBpb)})` : ''
    line(
      `${r.status.padEnd(7)} #${r.seq} ${bpb}${delta} ${d.local.commit.slice(0, 7)} ${oneLine(r.description)}  [${d.phases.total.toFixed(1)} s]`,
    )
  })
  on('proposal-rejected', (d) =>
    line(`reject ${d.source} attempt ${d.attempt}: ${d.kind}: ${firstLine(d.message)}`),
  )
  on('proposal-failed', (d) =>
    line(
      `propose failed (${d.source}): ${firstLine(d.message)}${d.fallback ? `; using ${d.fallback}` : ''}`,
    ),
  )
  on('experiment-interrupted', (d) =>
    line(`interrupted #${d.seq} ${oneLine(d.description)} (not recorded; it will be retried)`),
  )
  on('rebase-started', (d) =>
    line(
      `rebase: re-measuring ${shortHash(d.fileHash)} by ${who(d.author)} (claims ${d.claimedValBpb.toFixed(6)})`,
    ),
  )
  on('rebase-finished', (d) => line(`rebase: ${rebaseOutcome(d)}`))
  on('rebase-fetch-failed', (d) =>
    line(
      `rebase: cannot fetch ${shortHash(d.fileHash)} by ${who(d.author)}: ${firstLine(d.message)}; proposing as usual`,
    ),
  )
  on('stopped', (d) => line(`loopnet: stopped after ${d.experiments} experiments (${d.reason})`))
  return () => {
    clearBar()
    for (const off of offs) off()
  }
}

/** Peer ids are long and start alike (12D3KooW...): enough to tell them apart in a log. */
function who(author: string): string {
  return author.length > 16 ? `${author.slice(0, 16)}…` : author
}

function rebaseOutcome(d: AgentLoopEvents['rebase-finished']): string {
  const file = `${shortHash(d.fileHash)} by ${who(d.author)}`
  const claim = d.claimedValBpb.toFixed(6)
  const local = d.measuredValBpb?.toFixed(6) ?? 'n/a'
  switch (d.reason) {
    case 'confirmed':
      return `adopted ${file}, local ${local} (claim ${claim} confirmed)`
    case 'better-here':
      return `adopted ${file}: local ${local} beats ours, though the claim ${claim} did not reproduce here`
    case 'refuted':
      return `refuted ${file}: local ${local}, claim ${claim}`
    case 'not-better-here':
      return `not adopted ${file}: local ${local} confirms the claim ${claim} but does not beat ours`
    case 'crashed':
      return `re-measure of ${file} crashed${d.runReason ? ` (${d.runReason})` : ''} (claim ${claim})`
    case 'rejected':
      return `rejected ${file}: it broke a rule of the harness here (${d.runReason ?? 'a rule'}; claim ${claim}); never adopted, never ranked here`
  }
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(6)}`
}

/** JSON events leave out the train file text (big, and in the store anyway). */
function stripText(detail: object): object {
  if ('local' in detail && typeof detail.local === 'object' && detail.local !== null) {
    const { fileText: _t, ...local } = detail.local as { fileText?: string }
    return { ...detail, local }
  }
  return detail
}
