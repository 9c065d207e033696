/**
 * `loopnet leaderboard`: the swarm's leaderboard as this node sees it, from the running node's
 * API, or straight from the store when no node runs (the same bytes either way).
 */
import { formatLeaderboard } from '../../leaderboard/format.ts'
import type { Leaderboard } from '../../leaderboard/leaderboard.ts'
import { defineCommand } from '../commands.ts'
import { resolveDataDir } from '../data-dir.ts'
import { CliUsageError } from '../errors.ts'
import { askNode } from '../node-answer.ts'

const usage = `Usage: loopnet leaderboard [--tier T] [--budget S] [--rows N] [--verify-k K] [--json] [--data-dir DIR] [--genesis G]

Per hardware tier and time budget (results of different budgets are never ranked together):
each node's best kept val_bpb, its delta to the baseline and its verification level here
(prov: only its author's word; here: this node re-measured it and the claim held; verified:
reproduced by K authors this node trusts, itself included when it reproduced it; an author is
trusted when a claim of a file it found reproduced here and none failed since), the lineage of the best file back to the baseline, and the peers' claims this node ran
and could not reproduce (rejected, refuted or crashed here: listed apart, never ranked); then
keep/discard/crash/rejected counts per node. Asks the running node; reads the store when none
runs.

Options:
  --tier T         only this tier (e.g. cpu-2c, cuda-h100-80g)
  --budget S       only this training budget, in seconds (e.g. 300)
  --rows N         ranked rows per tier and budget (default 20)
  --verify-k K     trusted reproducers a row needs to be verified (default 2)
  --json           one JSON object on stdout
  --data-dir DIR   node data (default: $LOOPNET_DATA_DIR or ./.loopnet)
  --genesis G      the swarm to show (default: the latest record's); reads the store directly`

export interface LeaderboardQuery {
  dataDir: string
  tier?: string
  budgetSeconds?: number
  rows?: number
  verifyK?: number
  genesis?: string
}

export function leaderboardPath(
  q: Pick<LeaderboardQuery, 'tier' | 'budgetSeconds' | 'rows' | 'verifyK'>,
): string {
  const params = new URLSearchParams()
  if (q.tier !== undefined) params.set('tier', q.tier)
  if (q.budgetSeconds !== undefined) params.set('budget', String(q.budgetSeconds))
  if (q.rows !== undefined) params.set('rows', String(q.rows))
  if (q.verifyK !== undefined) params.set('verify-k', String(q.verifyK))
  const query = params.toString()
  return `/leaderboard${query === '' ? '' : `?${query}`}`
}

export async function readLeaderboard(
  q: LeaderboardQuery,
  signal?: AbortSignal,
): Promise<Leaderboard> {
  const { body } = await askNode<Leaderboard>(q.dataDir, leaderboardPath(q), {
    ...(q.genesis !== undefined ? { genesis: q.genesis } : {}),
    ...(signal !== undefined ? { signal } : {}),
  })
  return body
}

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  // safe integers only: SQLite refuses a LIMIT of 1e20
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new CliUsageError(`--${flag} must be a positive integer, got '${text}'`)
  return n
}

function parseBudget(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!(Number.isFinite(n) && n > 0))
    throw new CliUsageError(`--budget must be a positive number of seconds, got '${text}'`)
  return n
}

const command = defineCommand(
  usage,
  {
    tier: { type: 'string' },
    budget: { type: 'string' },
    rows: { type: 'string' },
    'verify-k': { type: 'string' },
    json: { type: 'boolean' },
    'data-dir': { type: 'string' },
    genesis: { type: 'string' },
  },
  async (values, signal) => {
    const rows = positiveInt('rows', values.rows)
    const verifyK = positiveInt('verify-k', values['verify-k'])
    const budgetSeconds = parseBudget(values.budget)
    const board = await readLeaderboard(
      {
        dataDir: resolveDataDir(values['data-dir']),
        ...(values.tier !== undefined ? { tier: values.tier } : {}),
        ...(budgetSeconds !== undefined ? { budgetSeconds } : {}),
        ...(rows !== undefined ? { rows } : {}),
        ...(verifyK !== undefined ? { verifyK } : {}),
        ...(values.genesis !== undefined ? { genesis: values.genesis } : {}),
      },
      signal,
    )
    console.log(values.json ? JSON.stringify(board) : formatLeaderboard(board))
    return 0
  },
)

export default command
