/**
 * Signing and verifying records with libp2p Ed25519 keys. The author field is the peer id
 * string; an Ed25519 peer id embeds its public key, so a verifier needs nothing but the record.
 */
import {
  createPrivateKey,
  createPublicKey,
  type JsonWebKey,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto'
import type { PrivateKey, PublicKey } from '@libp2p/interface'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { InvalidAuthorError, InvalidFieldError } from './errors.ts'
import {
  appendSignature,
  type EncodedRecord,
  pickExperimentFields,
  recordId,
  type SignedRecord,
  signingBytes,
} from './record.ts'
import type { ExperimentFields } from './types.ts'
import { checkPlausibility, checkSchema } from './validation/schema.ts'

/** An Ed25519 key as a JWK for node:crypto, from libp2p's raw bytes: x, and d (the seed) to sign. */
function ed25519Jwk(publicKey: Uint8Array, seed?: Uint8Array): JsonWebKey {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url')
  const jwk: JsonWebKey = { kty: 'OKP', crv: 'Ed25519', x: b64(publicKey) }
  if (seed !== undefined) jwk.d = b64(seed)
  return jwk
}

/** Parsed author keys: every node checks every record once per hop, mostly from few authors. */
const AUTHOR_KEY_CACHE_SIZE = 1024

interface AuthorKey {
  publicKey: PublicKey
  /**
   * The same key as OpenSSL holds it. @libp2p/crypto imports the key from JWK on every verify
   * (~40 of its ~200 us on a 2-core box); verifying against a kept KeyObject skips that, on the
   * gossip path of every record at every hop.
   */
  keyObject: KeyObject
}

const authorKeys = new Map<string, AuthorKey>()

function authorKey(author: string): AuthorKey {
  const cached = authorKeys.get(author)
  if (cached !== undefined) return cached
  const publicKey = parseAuthorKey(author)
  const keyObject = createPublicKey({ format: 'jwk', key: ed25519Jwk(publicKey.raw) })
  if (authorKeys.size >= AUTHOR_KEY_CACHE_SIZE) {
    // Maps iterate in insertion order: drop the oldest.
    const oldest = authorKeys.keys().next().value
    if (oldest !== undefined) authorKeys.delete(oldest)
  }
  const key = { publicKey, keyObject }
  authorKeys.set(author, key)
  return key
}

/**
 * This node's signing key as OpenSSL holds it, per libp2p key. @libp2p/crypto imports the key
 * from JWK on every sign, on the path of every record this node publishes: with a kept
 * KeyObject signRecord's median went 0.60 -> 0.39 ms (records 20 ms apart, 2 cores). Ed25519
 * is deterministic, so the bytes are the same either way.
 */
interface SigningKey {
  keyObject: KeyObject
  /** The key's peer id string: every record it signs must name it as author. */
  author: string
}

const signingKeys = new WeakMap<PrivateKey, SigningKey>()

function signingKey(privateKey: PrivateKey): SigningKey {
  let key = signingKeys.get(privateKey)
  if (key === undefined) {
    // libp2p's raw Ed25519 private key: the 32-byte seed, then the 32-byte public key.
    const jwk = ed25519Jwk(privateKey.publicKey.raw, privateKey.raw.subarray(0, 32))
    const keyObject = createPrivateKey({ format: 'jwk', key: jwk })
    key = { keyObject, author: peerIdFromPrivateKey(privateKey).toString() }
    signingKeys.set(privateKey, key)
  }
  return key
}

/** The public key inside an author's Ed25519 peer id. */
export function authorPublicKey(author: string): PublicKey {
  return authorKey(author).publicKey
}

function parseAuthorKey(author: string): PublicKey {
  let publicKey: PublicKey | undefined
  try {
    const peerId = peerIdFromString(author)
    if (peerId.type === 'Ed25519') publicKey = peerId.publicKey
  } catch (err) {
    throw new InvalidAuthorError(`author is not a peer id: ${(err as Error).message}`)
  }
  if (publicKey === undefined) throw new InvalidAuthorError('author is not an Ed25519 peer id')
  return publicKey
}

/**
 * Signs fields as their author. Runs the same stateless checks a receiver runs, so a node never
 * signs (and burns a seq on) a record the swarm would reject.
 */
export async function signRecord(
  fields: ExperimentFields,
  privateKey: PrivateKey,
  options?: { signal?: AbortSignal },
): Promise<EncodedRecord> {
  if (privateKey.type !== 'Ed25519') throw new InvalidAuthorError('records are signed with Ed25519')
  const key = signingKey(privateKey)
  if (fields.author !== key.author) {
    throw new InvalidFieldError(
      'author',
      `${fields.author} is not this key's peer id ${key.author}`,
    )
  }
  checkSchema(fields)
  checkPlausibility(fields)
  // Copy the fields only: callers may pass objects with extra properties.
  const clean = pickExperimentFields(fields)
  options?.signal?.throwIfAborted()
  const unsigned = signingBytes(clean)
  // A plain Uint8Array (node:crypto returns a Buffer), so records compare equal after decoding.
  const signature = Uint8Array.from(sign(null, unsigned, key.keyObject))
  const bytes = appendSignature(unsigned, signature)
  return { id: recordId(bytes), bytes, record: { ...clean, signature } }
}

/** Does the signature verify under the author's key? Throws InvalidAuthorError for a bad author. */
export async function verifyRecordSignature(
  record: SignedRecord,
  options?: {
    signal?: AbortSignal
    /** signingBytes(record) when the caller has them already (decodeSignedRecord). */
    signingBytes?: Uint8Array
  },
): Promise<boolean> {
  const { keyObject } = authorKey(record.author)
  options?.signal?.throwIfAborted()
  const signed = options?.signingBytes ?? signingBytes(record)
  // Ed25519 signs the message itself (no pre-hash): algorithm null, as @libp2p/crypto does.
  return verify(null, signed, keyObject, record.signature)
}

/**
 * Signs canonical bytes as `author` (claims, protocol/claim.ts): the same kept keys as records,
 * and the same refusal to sign for an author that is not this key's peer id.
 */
export function signBytesAs(
  author: string,
  unsigned: Uint8Array,
  privateKey: PrivateKey,
): Uint8Array {
  if (privateKey.type !== 'Ed25519') throw new InvalidAuthorError('loopnet signs with Ed25519')
  const key = signingKey(privateKey)
  if (author !== key.author)
    throw new InvalidFieldError('author', `${author} is not this key's peer id ${key.author}`)
  return Uint8Array.from(sign(null, unsigned, key.keyObject))
}

/** Does `signature` verify over `signed` under the author's key? InvalidAuthorError for a bad author. */
export function verifyBytesBy(author: string, signed: Uint8Array, signature: Uint8Array): boolean {
  return verify(null, signed, authorKey(author).keyObject, signature)
}
