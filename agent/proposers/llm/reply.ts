/**
 * Reading a model's reply: a one-line DESCRIPTION and either the whole train file in one
 * ```python block or aider-style SEARCH/REPLACE edits. Pure; every way a reply can be unusable
 * is a named error the proposer feeds back to the model.
 */
import {
  EditNotAppliedError,
  EmptyReplyError,
  UnparseableReplyError,
  WrongFileError,
} from '../../errors.ts'

export interface SearchReplace {
  search: string
  replace: string
}

export type ReplyChange = { kind: 'file'; text: string } | { kind: 'edits'; edits: SearchReplace[] }

export interface ParsedReply {
  description: string
  change: ReplyChange
}

const EDIT_BLOCK =
  /^<{5,9} ?SEARCH[^\n]*\n([\s\S]*?)^={5,9}[ \t]*\n([\s\S]*?)^>{5,9} ?REPLACE[^\n]*$/gm
const FENCE = /^(`{3,}|~{3,})([^\n]*)\n([\s\S]*?)^\1[ \t]*$/gm
const FILE_NAME =
  /^[\s#*`>-]*(?:file(?:name)?:\s*)?`?([\w./-]+\.(?:py|md|txt|toml|json|sh|cfg|yaml|yml))`?[\s*:`]*$/i
const MAX_DESCRIPTION = 200

export function parseReply(reply: string, trainFile = 'train.py'): ParsedReply {
  if (reply.trim() === '') throw new EmptyReplyError('the reply is empty')
  const description = parseDescription(reply)
  const edits: SearchReplace[] = []
  for (const m of reply.matchAll(EDIT_BLOCK)) {
    checkFileName(reply, m.index ?? 0, trainFile)
    edits.push({ search: m[1] ?? '', replace: m[2] ?? '' })
  }
  if (edits.length > 0) return { description, change: { kind: 'edits', edits } }

  const blocks: Array<{ text: string; index: number }> = []
  for (const m of reply.matchAll(FENCE)) {
    const info = (m[2] ?? '').trim()
    const [lang, ...rest] = info.split(/\s+/)
    const named = rest.join(' ') || (lang !== undefined && /\.\w+$/.test(lang) ? lang : '')
    if (named !== '' && basename(named) !== trainFile) throw new WrongFileError(named, trainFile)
    if (
      lang !== undefined &&
      lang !== '' &&
      !/^(python|py|python3)$/i.test(lang) &&
      !/\.py$/.test(lang)
    )
      continue // a shell or diff snippet, not the file
    checkFileName(reply, m.index ?? 0, trainFile)
    blocks.push({ text: m[3] ?? '', index: m.index ?? 0 })
  }
  if (blocks.length === 0) {
    if (/<{5,9} ?SEARCH/.test(reply))
      throw new UnparseableReplyError(
        'a SEARCH block is not closed: each edit needs <<<<<<< SEARCH, =======, >>>>>>> REPLACE lines',
      )
    throw new EmptyReplyError()
  }
  // several blocks: the file is the longest one (the others are usually quoted snippets)
  const longest = blocks.reduce((a, b) => (b.text.length > a.text.length ? b : a))
  return { description, change: { kind: 'file', text: longest.text } }
}

function basename(path: string): string {
  return path.split('/').at(-1) ?? path
}

/** A file name on the nearest non-blank line above a block must be the train file. */
function checkFileName(reply: string, index: number, trainFile: string): void {
  const before = reply.slice(0, index).split('\n')
  before.pop() // the (empty) start of the block's own line
  for (let i = before.length - 1; i >= 0 && i >= before.length - 3; i--) {
    const line = before[i]?.trim() ?? ''
    if (line === '' || /^(`{3,}|~{3,})/.test(line)) continue
    const m = FILE_NAME.exec(line)
    if (m?.[1] !== undefined && basename(m[1]) !== trainFile)
      throw new WrongFileError(m[1], trainFile)
    return
  }
}

/** The DESCRIPTION: line outside code; else the first prose line; one line, bounded. */
export function parseDescription(reply: string): string {
  const prose = reply.replace(FENCE, '').replace(EDIT_BLOCK, '')
  const tagged = /^[\s*#_>-]*DESCRIPTION[\s*_]*:[\s*_]*(.+?)[\s*_]*$/im.exec(prose)?.[1]
  const first = prose
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !/^[<=>]{5}/.test(l))
  const text = (tagged ?? first ?? '').replace(/\s+/g, ' ').trim() || 'edit by the model'
  return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 1)}…` : text
}

/**
 * Applies SEARCH/REPLACE edits in order. Each SEARCH must occur exactly once (after trying an
 * exact match, a match that ignores trailing whitespace per line).
 */
export function applyEdits(text: string, edits: readonly SearchReplace[]): string {
  let out = text
  for (const [i, edit] of edits.entries()) {
    const label = `edit ${i + 1} of ${edits.length}`
    if (edit.search.trim() === '')
      throw new EditNotAppliedError(
        `${label}: the SEARCH part is empty; quote the lines to replace`,
      )
    const exact = occurrences(out, edit.search)
    if (exact.length === 1) {
      const at = exact[0] ?? 0
      out = out.slice(0, at) + edit.replace + out.slice(at + edit.search.length)
      continue
    }
    if (exact.length > 1)
      throw new EditNotAppliedError(
        `${label}: the SEARCH text occurs ${exact.length} times; include more lines to make it unique`,
      )
    const loose = looseReplace(out, edit)
    if (loose === undefined)
      throw new EditNotAppliedError(
        `${label}: the SEARCH text is not in the file (it must match existing lines exactly):\n${edit.search.slice(0, 300)}`,
      )
    out = loose
  }
  return out
}

function occurrences(haystack: string, needle: string): number[] {
  const out: number[] = []
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1))
    out.push(at)
  return out
}

/** Line-wise match ignoring trailing whitespace; unique or nothing. */
function looseReplace(text: string, edit: SearchReplace): string | undefined {
  const lines = text.split('\n')
  const want = edit.search
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => l.trimEnd())
  const hits: number[] = []
  for (let i = 0; i + want.length <= lines.length; i++) {
    if (want.every((w, j) => (lines[i + j] ?? '').trimEnd() === w)) hits.push(i)
  }
  if (hits.length !== 1 || hits[0] === undefined) return undefined
  const at = hits[0]
  const replaceLines = edit.replace.replace(/\n$/, '').split('\n')
  const replaced = edit.replace === '' ? [] : replaceLines
  return [...lines.slice(0, at), ...replaced, ...lines.slice(at + want.length)].join('\n')
}

/** The new train text a reply asks for. */
export function applyReply(parentText: string, parsed: ParsedReply): string {
  if (parsed.change.kind === 'edits') return applyEdits(parentText, parsed.change.edits)
  const text = parsed.change.text
  // a short fragment in a fence is a snippet, not the file: running it would only crash
  if (text.length < parentText.length * 0.4 && parentText.length > 200)
    throw new UnparseableReplyError(
      `the code block has ${text.length} characters, the file ${parentText.length}: send the whole file or SEARCH/REPLACE edits`,
    )
  return text
}
