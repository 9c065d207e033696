/**
 * How `loopnet start` shows the network: where others can dial this node, peers coming and
 * going, records and claims arriving from peers, records and claims refused. Same three modes as the loop's view.
 */
import type {
  ClaimEventDetail,
  RecordEventDetail,
  RecordRejectedDetail,
  SyncDoneDetail,
} from '../../p2p/interfaces.ts'
import type { LoopnetNode } from '../../p2p/node.ts'
import { oneLine, shortPeer, type ViewMode, type Write, writeStdout } from '../text.ts'

export function attachNetworkView(
  node: LoopnetNode,
  mode: ViewMode,
  out: Write = writeStdout,
): () => void {
  const emit = (event: string, detail: object, text: string): void => {
    if (mode === 'json') out(`${JSON.stringify({ event, time: Date.now(), ...detail })}\n`)
    else out(`${mode === 'tty' ? '\r\x1b[2K' : ''}${text}\n`)
  }
  const addrs = node.getMultiaddrs()
  emit(
    'listening',
    { peerId: node.peerId, multiaddrs: addrs },
    [
      `loopnet: peer id ${node.peerId}`,
      ...addrs.map((a) => `loopnet: listening on ${a}`),
      `loopnet: others join with: loopnet start --bootstrap ${preferredAddr(addrs) ?? '<multiaddr>'}`,
    ].join('\n'),
  )
  const onPeer =
    (what: 'connected' | 'disconnected') =>
    (evt: CustomEvent<{ toString(): string }>): void => {
      const peer = evt.detail.toString()
      const peers = node.getPeers().length
      emit(`peer-${what}`, { peer, peers }, `peer   ${what} ${shortPeer(peer)} (${peers} peers)`)
    }
  const onConnect = onPeer('connected')
  const onDisconnect = onPeer('disconnected')
  const onRecord = (evt: CustomEvent<RecordEventDetail>): void => {
    const d = evt.detail
    if (d.via === 'self') return
    const r = d.record
    // a crash or a rejection has no score: its reason (a validated lowercase name) instead
    const bpb =
      r.status === 'keep' || r.status === 'discard' ? r.valBpb.toFixed(6) : `(${r.reason})`
    emit(
      'peer-record',
      {
        id: d.id,
        via: d.via,
        author: r.author,
        seq: r.seq,
        status: r.status,
        reason: r.reason,
        valBpb: r.valBpb,
        tier: r.tier,
        budgetSeconds: r.budgetSeconds,
        fileHash: r.fileHash,
        parentHash: r.parentHash,
        description: r.description,
      },
      // a peer signed the description, not vetted it: escape codes would reach the terminal
      `peer   ${shortPeer(r.author)} #${r.seq} ${r.status} ${bpb} ${oneLine(r.description)} (${d.via})`,
    )
  }
  const onInvalid = (evt: CustomEvent<RecordRejectedDetail>): void => {
    const d = evt.detail
    emit(
      'record-invalid',
      { ...d },
      `peer   refused a record from ${shortPeer(d.from)}: ${d.code} (${d.verdict}) ${oneLine(d.message)}`,
    )
  }
  const onSync = (evt: CustomEvent<SyncDoneDetail>): void => {
    const d = evt.detail
    if (d.added === 0 && mode !== 'json') return
    emit('sync', { ...d }, `sync   ${d.added} new records from ${shortPeer(d.peer)}`)
  }
  const onClaim = (evt: CustomEvent<ClaimEventDetail>): void => {
    const { id, claim } = evt.detail
    emit(
      'peer-claim',
      {
        id,
        author: claim.author,
        kind: claim.kind,
        parentHash: claim.parentHash,
        fileHash: claim.fileHash,
        description: claim.description,
        ttlSeconds: claim.ttlSeconds,
      },
      `claim  ${shortPeer(claim.author)} ${claim.kind} ${oneLine(claim.description)}`,
    )
  }
  const onClaimInvalid = (evt: CustomEvent<RecordRejectedDetail>): void => {
    const d = evt.detail
    emit(
      'claim-invalid',
      { ...d },
      `peer   refused a claim from ${shortPeer(d.from)}: ${d.code} (${d.verdict}) ${oneLine(d.message)}`,
    )
  }
  node.addEventListener('claim', onClaim)
  node.addEventListener('claim:invalid', onClaimInvalid)
  node.addEventListener('sync:done', onSync)
  node.addEventListener('record', onRecord)
  node.addEventListener('record:invalid', onInvalid)
  node.host.addEventListener('peer:connect', onConnect)
  node.host.addEventListener('peer:disconnect', onDisconnect)
  return () => {
    node.removeEventListener('claim', onClaim)
    node.removeEventListener('claim:invalid', onClaimInvalid)
    node.removeEventListener('sync:done', onSync)
    node.removeEventListener('record', onRecord)
    node.removeEventListener('record:invalid', onInvalid)
    node.host.removeEventListener('peer:connect', onConnect)
    node.host.removeEventListener('peer:disconnect', onDisconnect)
  }
}

/** The address most likely to work for someone else: not loopback when there is a choice. */
function preferredAddr(addrs: string[]): string | undefined {
  return addrs.find((a) => !a.startsWith('/ip4/127.') && !a.startsWith('/ip6/::1/')) ?? addrs[0]
}
