/**
 * Finds a running node through <dataDir>/api.json and asks it. A stale file (the node was
 * killed) is detected by its pid and treated as "no node running".
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { API_FILE } from './server.ts'

export class NodeNotRunningError extends Error {
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

export async function getJson<T>(baseUrl: string, path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`, { signal })
  if (!res.ok) throw new NodeNotRunningError(`node API ${path} answered ${res.status}`)
  return (await res.json()) as T
}
