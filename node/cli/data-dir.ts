/**
 * A node's data dir as the CLI finds it: where it is (flag, $LOOPNET_DATA_DIR, ./.loopnet),
 * where its store lives, and the check that something ever ran there.
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { UserError } from '../errors.ts'
import { Store } from '../store/store.ts'

/** The store file in a data dir: every record of the swarm, own and peers'. */
export const STORE_FILE = 'store.sqlite'

/** The data dir holds no store: nothing ever ran there. */
export class NoNodeDataError extends UserError {
  override name = 'NoNodeDataError'
}

/** The data dir: flag, $LOOPNET_DATA_DIR, else ./.loopnet. */
export function resolveDataDir(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return resolve(flag ?? env.LOOPNET_DATA_DIR ?? '.loopnet')
}

export function storePath(dataDir: string): string {
  return join(dataDir, STORE_FILE)
}

/** The store of a data dir that has one; NoNodeDataError otherwise (Store would create one). */
export function openDataDirStore(dataDir: string): Store {
  const path = storePath(dataDir)
  if (!existsSync(path))
    throw new NoNodeDataError(`no loopnet data in ${dataDir} (run \`loopnet start\` there first)`)
  return new Store(path)
}
