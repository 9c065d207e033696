/**
 * The tunable constants of a train file: top-level `NAME = literal  # comment` lines. A careful
 * line scanner (not a Python parser): it skips triple-quoted strings and bracketed
 * continuations, and it only rewrites the literal's characters, so the rest of the file stays
 * byte-identical.
 */

export type ConstantValue =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string; quote: string; choices: string[] }
  /** `A if COND else B` with numeric A and B: the per-device constants of train.py. */
  | { type: 'conditional'; cond: string; then: NumberValue; otherwise: NumberValue }

export type NumberValue =
  | { type: 'int'; value: number; literal: string }
  | { type: 'float'; value: number; literal: string }

export interface Constant {
  name: string
  /** The literal exactly as written. */
  literal: string
  /** Offset of the literal's first character in the file text. */
  start: number
  /** 1-based line number (for messages). */
  line: number
  comment: string
  parsed: ConstantValue
}

const LINE =
  /^([A-Z][A-Z0-9_]*)([ \t]*(?::[ \t]*\w+[ \t]*)?=[ \t]*)(\S(?:.*?\S)??)([ \t]*(?:#(.*))?)$/
const INT = /^[-+]?\d+(?:_\d+)*$/
const FLOAT =
  /^[-+]?(?:\d+(?:_\d+)*\.\d*(?:_\d+)*|\.\d+)(?:[eE][-+]?\d+)?$|^[-+]?\d+(?:[eE][-+]?\d+)$/
const STRING = /^(['"])([^'"\\]*)\1$/

export function parseConstants(text: string): Constant[] {
  const out: Constant[] = []
  let offset = 0
  let inTriple: string | undefined
  let depth = 0
  for (const [index, rawLine] of text.split('\n').entries()) {
    const lineStart = offset
    offset += rawLine.length + 1
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine
    if (inTriple === undefined && depth === 0) {
      const m = LINE.exec(line)
      if (m?.[1] !== undefined && m[2] !== undefined && m[3] !== undefined) {
        const parsed = parseLiteral(m[3], m[5] ?? '')
        if (parsed !== undefined)
          out.push({
            name: m[1],
            literal: m[3],
            start: lineStart + m[1].length + m[2].length,
            line: index + 1,
            comment: (m[5] ?? '').trim(),
            parsed,
          })
      }
    }
    ;[inTriple, depth] = scanLine(line, inTriple, depth)
  }
  return out
}

function parseNumber(literal: string): NumberValue | undefined {
  if (INT.test(literal)) return { type: 'int', value: Number(literal.replaceAll('_', '')), literal }
  if (FLOAT.test(literal))
    return { type: 'float', value: Number(literal.replaceAll('_', '')), literal }
  return undefined
}

const CONDITIONAL = /^(\S+) if ([A-Za-z_][\w.]*) else (\S+)$/

function parseLiteral(literal: string, comment: string): ConstantValue | undefined {
  const cond = CONDITIONAL.exec(literal)
  if (cond?.[1] !== undefined && cond[2] !== undefined && cond[3] !== undefined) {
    const then = parseNumber(cond[1])
    const otherwise = parseNumber(cond[3])
    if (then === undefined || otherwise === undefined || then.type !== otherwise.type)
      return undefined
    return { type: 'conditional', cond: cond[2], then, otherwise }
  }
  if (literal === 'True' || literal === 'False') return { type: 'bool', value: literal === 'True' }
  if (INT.test(literal)) return { type: 'int', value: Number(literal.replaceAll('_', '')) }
  if (FLOAT.test(literal)) return { type: 'float', value: Number(literal.replaceAll('_', '')) }
  const s = STRING.exec(literal)
  if (s?.[1] !== undefined && s[2] !== undefined) {
    return { type: 'string', value: s[2], quote: s[1], choices: parseChoices(s[2], comment) }
  }
  return undefined
}

/**
 * The alternatives of a string constant, from its comment: quoted words (`# "adamw" or
 * "muon"`) or a bar/slash list (`# relu2 | gelu | silu`). Only lists naming the current value
 * count, so a comment that merely mentions words is not mistaken for a choice list.
 */
export function parseChoices(current: string, comment: string): string[] {
  const quoted = [...comment.matchAll(/(['"])([\w.+-]+)\1/g)].map((m) => m[2] ?? '')
  const candidates =
    quoted.length >= 2
      ? quoted
      : (/([\w.+-]+(?:\s*[|/]\s*[\w.+-]+)+)/.exec(comment)?.[1]?.split(/\s*[|/]\s*/) ?? [])
  const unique = [...new Set(candidates.filter((c) => c !== ''))]
  return unique.length >= 2 && unique.includes(current) ? unique : []
}

/** Tracks whether the next line starts inside a triple-quoted string or open brackets. */
export function scanLine(
  line: string,
  inTriple: string | undefined,
  depth: number,
): [string | undefined, number] {
  let i = 0
  while (i < line.length) {
    if (inTriple !== undefined) {
      const end = line.indexOf(inTriple, i)
      if (end < 0) return [inTriple, depth]
      i = end + 3
      inTriple = undefined
      continue
    }
    const c = line[i]
    if (c === '#') break
    if (c === '"' || c === "'") {
      const triple = c.repeat(3)
      if (line.startsWith(triple, i)) {
        inTriple = triple
        i += 3
        continue
      }
      i++
      while (i < line.length && line[i] !== c) i += line[i] === '\\' ? 2 : 1
      i++
      continue
    }
    if (c === '(' || c === '[' || c === '{') depth++
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1)
    i++
  }
  return [inTriple, depth]
}

/** The text with one constant's literal replaced; everything else byte-identical. */
export function replaceLiteral(text: string, constant: Constant, literal: string): string {
  const end = constant.start + constant.literal.length
  if (text.slice(constant.start, end) !== constant.literal)
    throw new Error(`constant ${constant.name} is not at offset ${constant.start}`)
  return text.slice(0, constant.start) + literal + text.slice(end)
}
