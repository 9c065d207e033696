import { UnknownHashError } from '../../api/errors.ts'
import type { FileAnswer, RecordAnswer, RecordJson } from '../../api/node-api.ts'
import { budget } from '../../leaderboard/format.ts'
import { askNode } from '../node-answer.ts'
import { oneQueryCommand } from '../positional.ts'
import { oneLine, shortAuthor, shortHash } from '../text.ts'

const usage = `Usage: loopnet show <id|hash> [--json] [--data-dir DIR]

Shows an experiment record by its id, or a train file by its hash, with the file's text. A
prefix of at least 8 hex digits will do when it is unique (the leaderboard prints 12).

Options:
  --json           one JSON object on stdout: {"record": ...} or {"file": ...}
  --data-dir DIR   node data (default: $LOOPNET_DATA_DIR or ./.loopnet)`

export type Shown = { record: RecordAnswer } | { file: FileAnswer }

/** The record with that id (prefix), else the file with that hash (prefix). */
export async function lookup(dataDir: string, query: string, signal?: AbortSignal): Promise<Shown> {
  const q = encodeURIComponent(query)
  const opts = signal === undefined ? {} : { signal }
  try {
    return { record: (await askNode<RecordAnswer>(dataDir, `/records/${q}`, opts)).body }
  } catch (err) {
    if (!(err instanceof UnknownHashError)) throw err
  }
  try {
    return { file: (await askNode<FileAnswer>(dataDir, `/files/${q}`, opts)).body }
  } catch (err) {
    if (!(err instanceof UnknownHashError)) throw err
    throw new UnknownHashError(`no record id or train file hash in ${dataDir} starts with ${query}`)
  }
}

/** A record's created_at as ISO time; any safe integer is valid on the wire, not every one a date. */
function time(ms: number): string {
  const date = new Date(ms)
  return Number.isNaN(date.getTime()) ? `${ms} (not a date)` : date.toISOString()
}

function fileBlock(hash: string, text: string | null): string[] {
  if (text === null) return ['', `train file ${hash}: not held by this node`]
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
  return ['', `--- train file ${hash} (${lines} lines) ---`, text.replace(/\n$/, '')]
}

/** A status with its reason where it has one: rejected (non-causal), crash (timeout). */
export function statusText(r: Pick<RecordJson, 'status' | 'reason'>): string {
  return r.reason === '' ? r.status : `${r.status} (${oneLine(r.reason)})`
}

function secs(v: number): string {
  return `${v.toFixed(1)} s`
}

export function formatRecord({ record: r, fileText }: RecordAnswer): string {
  const kind =
    r.parentHash === '' ? 'baseline' : r.parentHash === r.fileHash ? 're-measure' : 'experiment'
  const out = [
    `record      ${r.id}`,
    `kind        ${kind}, ${statusText(r)}`,
    `val_bpb     ${r.status === 'rejected' ? 'none (rejected: never scored)' : r.valBpb.toFixed(6)}`,
    `author      ${oneLine(r.author)}  #${r.seq}`,
    `tier        ${oneLine(r.tier)}, budget ${budget(r.budgetSeconds)}`,
    `description ${oneLine(r.description)}`,
    `file        ${r.fileHash}`,
    `parent      ${r.parentHash === '' ? '(none: baseline)' : r.parentHash}`,
    `genesis     ${r.genesis}`,
    `created     ${time(r.createdAt)}  (received ${time(r.receivedAt)})`,
    `seconds     training ${secs(r.trainingSeconds)}, startup ${secs(r.startupSeconds)}, eval ${secs(r.evalSeconds)}, probes ${secs(r.probeSeconds)}, total ${secs(r.totalSeconds)}`,
    `model       ${r.numParams.toLocaleString('en-US')} params, peak ${r.peakMemMb.toFixed(0)} MB, seed ${r.seed}`,
    `sandbox     ${r.unsandboxed ? 'NO: its author ran it without the sandbox' : 'yes'}`,
    `noise       ${r.noiseDof ? `${(r.noiseSigma ?? 0).toFixed(4)} bpb per run (${r.noiseDof} dof), as its author measured it` : 'not measured by its author yet'}`,
    `format      ${r.version}`,
    `signature   ${r.signature === null ? 'none (local record)' : `${r.signature.slice(0, 24)}…`}`,
  ]
  if (r.diff !== '') out.push('', '--- diff against the parent ---', r.diff.replace(/\n$/, ''))
  out.push(...fileBlock(r.fileHash, fileText))
  return out.join('\n')
}

function recordLine(r: RecordJson): string {
  const what = r.parentHash === r.fileHash ? 're-measure ' : r.parentHash === '' ? 'baseline ' : ''
  const scored = r.status === 'keep' || r.status === 'discard'
  const bpb = scored ? r.valBpb.toFixed(6) : '-'.padStart(8)
  return `  ${shortHash(r.id)}  ${shortAuthor(r.author)} #${r.seq}  ${statusText(r).padEnd(7)}  ${bpb}  ${oneLine(r.tier)} ${budget(r.budgetSeconds)}  ${what}${oneLine(r.description)}`
}

export function formatFile(f: FileAnswer): string {
  const out = [`train file  ${f.hash}`]
  out.push('', `made by (${f.producedBy.length}):`)
  out.push(...(f.producedBy.length === 0 ? ['  no record held'] : f.producedBy.map(recordLine)))
  out.push('', `used as parent by (${f.builtOn.length}):`)
  out.push(...(f.builtOn.length === 0 ? ['  no record held'] : f.builtOn.map(recordLine)))
  out.push(...fileBlock(f.hash, f.text))
  return out.join('\n')
}

const command = oneQueryCommand({
  usage,
  command: 'show',
  what: 'one record id or file hash',
  answer: lookup,
  text: (shown: Shown) =>
    `${'record' in shown ? formatRecord(shown.record) : formatFile(shown.file)}\n`,
})

export default command
