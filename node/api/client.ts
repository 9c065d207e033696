/**
 * Finds a running node through <dataDir>/api.json and asks it. A stale file (the node was
 * killed) is detected by its pid and treated as "no node running".
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../errors.ts'
import { errorFromAnswer } from './errors.ts'
import { API_FILE } from './server.ts'

export class NodeNotRunningError extends UserError {
  override name = 'NodeNotRunningError'
}

export function runningNodeUrl(dataDir: string): string | undefined {
  let info: { url: string; pid: number }
  try {
    info = JSON.parse(readFileSync(join(dataDir, API_FILE), 'utf8'))
  } catch {
    return undefined
  }
  try {
    process.kill(info.pid, 0)
  } catch {
    return undefined
  }
  return info.url
}

/**
 * GET a route: its status and JSON body, whatever the status. NodeNotRunningError when nothing
 * answers at baseUrl (the node stopped after writing api.json, or its pid was reused).
 */
export async function requestJson(
  baseUrl: string,
  path: string,
  signal?: AbortSignal,
): Promise<[number, unknown]> {
  let res: Response
  try {
    res = await fetch(`${baseUrl}${path}`, { signal })
  } catch (err) {
    if (signal?.aborted) throw signal.reason
    throw new NodeNotRunningError(`no node API answers at ${baseUrl}: ${(err as Error).message}`)
  }
  return [res.status, await res.json()]
}

/** GET a route's 200 body; any other status throws the error its body names (errors.ts). */
export async function getJson<T>(baseUrl: string, path: string, signal?: AbortSignal): Promise<T> {
  const [status, body] = await requestJson(baseUrl, path, signal)
  if (status !== 200) throw errorFromAnswer(status, body)
  return body as T
}
