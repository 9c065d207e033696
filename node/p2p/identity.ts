/**
 * The node's persisted Ed25519 identity: its peer id, and the key that signs its records. Kept as
 * a protobuf-marshalled libp2p private key, readable by the owner only.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { UserError } from '../errors.ts'

export const IDENTITY_FILE = 'identity.key'

/** The identity file exists but is not an Ed25519 libp2p private key. */
export class InvalidIdentityError extends UserError {
  override name = 'InvalidIdentityError'
}

/** Loads <dataDir>/identity.key, creating it (mode 0600) on first start. */
export async function loadOrCreateIdentity(dataDir: string): Promise<PrivateKey> {
  const path = join(dataDir, IDENTITY_FILE)
  let bytes: Uint8Array | undefined
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (bytes !== undefined) {
    let key: PrivateKey
    try {
      key = privateKeyFromProtobuf(bytes)
    } catch (err) {
      throw new InvalidIdentityError(
        `${path} is not a libp2p private key (${(err as Error).message}); it is left as is: move it away to start under a new peer id`,
      )
    }
    if (key.type !== 'Ed25519')
      throw new InvalidIdentityError(
        `${path} holds a ${key.type} key; records are signed with Ed25519`,
      )
    return key
  }
  const key = await generateKeyPair('Ed25519')
  await mkdir(dataDir, { recursive: true })
  // Write-then-rename: a crash mid-write must not leave a truncated key that fails every start.
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, privateKeyToProtobuf(key), { mode: 0o600 })
  await chmod(tmp, 0o600)
  await rename(tmp, path)
  return key
}
