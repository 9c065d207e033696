/**
 * The LLM proposer's prompts: program.md (the human's standing instructions), the current train
 * file, and the journal of what was tried on it, so the model does not repeat itself. Plain
 * chat messages only: works with any OpenAI-compatible server, no tools or JSON mode.
 */
import { createPatch } from 'diff'
import { describeProposalNoise } from '../../noise.ts'
import type {
  CrashContext,
  ProposalContext,
  ProposalNoise,
  TriedExperiment,
} from '../../proposer.ts'

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

export const REPLY_FORMAT = `Reply format (strict):
DESCRIPTION: <one line: what you change and why you expect lower val_bpb>
then EITHER one or more edits of the form
<<<<<<< SEARCH
<lines copied exactly from the current file>
=======
<their replacement>
>>>>>>> REPLACE
OR the complete new file in a single \`\`\`python block.
Only the train file may change. Do not explain beyond the DESCRIPTION line.`

const FALLBACK_PROGRAM = `You are an autonomous researcher. Each experiment edits the train file, trains for a fixed
time budget and measures val_bpb (validation bits per byte; lower is better). Propose one
focused, testable change at a time. Simpler code that is as good is better.`

function bpb(v: number | undefined): string {
  return v === undefined ? 'n/a' : v.toFixed(6)
}

function historyLines(items: readonly TriedExperiment[]): string {
  return items
    .map((t) => {
      const delta =
        t.status !== 'crash' && t.parentValBpb !== undefined
          ? ` (${t.valBpb - t.parentValBpb >= 0 ? '+' : ''}${(t.valBpb - t.parentValBpb).toFixed(6)})`
          : ''
      const result = t.status === 'crash' ? 'crash' : `${t.status} val_bpb ${bpb(t.valBpb)}${delta}`
      return `- ${t.description} -> ${result}`
    })
    .join('\n')
}

/**
 * The node's seed noise and the margin a keep needs: a gain under it is discarded as noise,
 * so the model should aim for changes that could clear it.
 */
export function noiseLine(noise: ProposalNoise): string {
  return `Measurement noise on this node: ${describeProposalNoise(noise)} bpb to be kept. A change that gains less is discarded as noise.`
}

export function systemPrompt(program: string | undefined, trainFile: string): string {
  return `${(program ?? FALLBACK_PROGRAM).trim()}\n\nYou edit only ${trainFile}.\n\n${REPLY_FORMAT}`
}

export function proposalMessages(
  ctx: ProposalContext,
  program: string | undefined,
  trainFile: string,
): ChatMessage[] {
  const parts = [
    `Current ${trainFile} (val_bpb ${bpb(ctx.parentValBpb)}):`,
    `\`\`\`python\n${ctx.parentText}\`\`\``,
  ]
  if (ctx.triedOnParent.length > 0)
    parts.push(
      `Already tried on this exact file (do not repeat these):\n${historyLines(ctx.triedOnParent)}`,
    )
  if (ctx.inFlight.length > 0)
    parts.push(
      `Being tested right now (propose something different):\n${ctx.inFlight.map((d) => `- ${d}`).join('\n')}`,
    )
  if ((ctx.inProgressOnPeers ?? []).length > 0)
    parts.push(
      `In progress on peers right now (propose something different):\n${(ctx.inProgressOnPeers ?? []).map((d) => `- ${d}`).join('\n')}`,
    )
  const older = ctx.recent.filter((r) => !ctx.triedOnParent.some((t) => t.fileHash === r.fileHash))
  if (older.length > 0)
    parts.push(`Recent experiments on earlier versions:\n${historyLines(older)}`)
  if (ctx.noise !== undefined) parts.push(noiseLine(ctx.noise))
  parts.push(`Propose the next experiment.\n\n${REPLY_FORMAT}`)
  return [
    { role: 'system', content: systemPrompt(program, trainFile) },
    { role: 'user', content: parts.join('\n\n') },
  ]
}

export function fixMessages(
  ctx: CrashContext,
  program: string | undefined,
  trainFile: string,
): ChatMessage[] {
  const diff = createPatch(trainFile, ctx.parentText, ctx.crashed.text, 'parent', 'crashed')
  const content = [
    `The experiment "${ctx.crashed.description}" crashed (${ctx.reason}).`,
    `Its change against the parent:\n\`\`\`diff\n${diff}\`\`\``,
    `Last lines of the run log:\n\`\`\`\n${ctx.tail}\n\`\`\``,
    `Here is the crashed ${trainFile}:\n\`\`\`python\n${ctx.crashed.text}\`\`\``,
    `If the crash is a simple bug, fix it and keep the idea; edits apply to the crashed file above. If the idea itself cannot work, reply with exactly GIVE UP.\n\n${REPLY_FORMAT}`,
  ].join('\n\n')
  return [
    { role: 'system', content: systemPrompt(program, trainFile) },
    { role: 'user', content },
  ]
}

/** The follow-up after a rejected reply: say exactly what was wrong. */
export function rejectionMessage(error: Error): ChatMessage {
  return {
    role: 'user',
    content: `Your reply was rejected (${error.name}): ${error.message}\n\nTry again.\n\n${REPLY_FORMAT}`,
  }
}
