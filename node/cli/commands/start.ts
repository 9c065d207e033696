/**
 * `loopnet start`: the composition root of a node. Opens the store, asks prepare.py for the
 * genesis (preparing data if needed), starts the libp2p node (a new swarm, or joins one by
 * --bootstrap), the localhost API, the proposer, the signing sink and the swarm view, and runs
 * the agent loop until --max-experiments or a signal. With no peers the node works solo and
 * catches up by sync when peers appear.
 */
import { pyCompileCheck } from '../../../agent/compile.ts'
import { AgentLoop } from '../../../agent/loop.ts'
import type { SandboxMode } from '../../../agent/loop-options.ts'
import { DEFAULT_NOISE_K } from '../../../agent/noise.ts'
import type { Proposer } from '../../../agent/proposer.ts'
import { BuiltinProposer } from '../../../agent/proposers/builtin/builtin.ts'
import { LlmProposer } from '../../../agent/proposers/llm/llm.ts'
import { createNodeApi } from '../../api/node-api.ts'
import { ApiServer } from '../../api/server.ts'
import { LoopnetNode } from '../../p2p/node.ts'
import { NetworkStore, StoreSyncCursors } from '../../store/network-store.ts'
import { Store } from '../../store/store.ts'
import { NetworkSwarmView, SwarmSink } from '../../swarm.ts'
import { defineCommand } from '../commands.ts'
import { storePath } from '../data-dir.ts'
import type { ViewMode } from '../text.ts'
import {
  checkSandbox,
  defaultBudget,
  prepareCorpus,
  readBaseline,
  readProgram,
  type SandboxCheck,
  trainerDir,
} from '../trainer.ts'
import { resolveStartOptions, type StartFlags } from './start-config.ts'
import { attachNetworkView } from './start-network-view.ts'
import { attachView } from './start-view.ts'

const usage = `Usage: loopnet start [options]

Runs the autoresearch loop on this machine, forever by default: propose an edit of the train
file, train it for the time budget, keep it if val_bpb improved, journal everything.

Without --bootstrap it starts a new swarm and prints the multiaddrs others join with.

Options:
  --data-dir DIR         node data (default: $LOOPNET_DATA_DIR or ./.loopnet)
  --bootstrap MA         join the swarm of the node at this multiaddr (repeatable); dials
                         retry with backoff, and the node works solo until a peer answers
  --listen MA            listen multiaddr (repeatable; default /ip4/0.0.0.0/tcp/0)
  --local-swarm          several nodes on this machine (implied by a loopback --bootstrap)
  --serve                stay in the swarm after the loop ends (relay, serve files and the
                         leaderboard) until a signal; with --max-experiments 0, never train
  --proposer NAME        builtin (offline, default) or llm
  --budget SECONDS       training time budget per experiment (default: the tier's, CPU 60, GPU 300;
                         at most 300, so that peers accept the records)
  --grace SECONDS        extra time before a run is killed at 2x budget (default 60, at most 2940)
  --max-experiments N    stop after N experiments (default: run forever)
  --seed N               seed of the built-in proposer (default 0)
  --min-delta X          keep only gains larger than X bpb (default 0; the seed-noise margin
                         applies too, whichever is larger)
  --noise-runs N         run the baseline N more times when a lineage starts, to measure this
                         node's seed noise (default 2, each one budget; 0: none, the
                         conservative default noise is assumed until a file ran twice)
  --noise-k K            a gain must clear K sigmas of the difference of two runs to be kept,
                         adopted or count as reproduced (default ${DEFAULT_NOISE_K}; 0: any gain)
  --python PATH          python interpreter (default: /usr/bin/python3 or $LOOPNET_PYTHON)
  --corpus PATH          train on this UTF-8 text file or folder instead of the default corpus
                         (prepared on first use; a different corpus is a different swarm)
  --no-pipeline          do not prepare the next proposal while training, nor the next
                         interpreter (imports) during the current run's eval
  --unsafe-no-sandbox    run every train file (peers', an LLM's) WITHOUT the sandbox, with
                         your rights; said in every run's log and published in every record.
                         Without it and without a working sandbox (bubblewrap), the node runs
                         only its own built-in proposals and refuses peers' and LLM files
  --json                 one JSON object per event on stdout
  --base-url URL         OpenAI-compatible endpoint for --proposer llm ($OPENAI_BASE_URL)
  --api-key KEY          its key ($OPENAI_API_KEY)
  --model NAME           its model ($LOOPNET_MODEL)
The LLM settings may also live in <data-dir>/llm.json: {"baseURL", "apiKey", "model",
"temperature", "requestTimeoutMs", "maxAttempts"}.`

/**
 * How this node runs train files, said once at start: sandboxed; or, without a sandbox, only
 * its own built-in proposals (never a peer's file or an LLM's); or everything unsandboxed,
 * because the user asked for it.
 */
function sandboxMode(
  unsafe: boolean,
  check: SandboxCheck,
  llm: boolean,
  mode: ViewMode,
): SandboxMode {
  const sandbox: SandboxMode = unsafe ? 'off' : check.ok ? 'on' : 'own-only'
  const line =
    sandbox === 'off'
      ? "WARNING: --unsafe-no-sandbox: train files (peers', an LLM's) run with your rights; every run's log and every record says so"
      : sandbox === 'own-only'
        ? `no sandbox (${check.error ?? 'unknown'}): running only this node's own built-in proposals on its own lineage; peers' files${llm ? ' and LLM-written files (--proposer llm)' : ''} are refused. Install bubblewrap, or pass --unsafe-no-sandbox`
        : undefined
  if (line !== undefined)
    process.stdout.write(
      mode === 'json'
        ? `${JSON.stringify({ event: 'sandbox', mode: sandbox, message: line, time: Date.now() })}\n`
        : `loopnet: ${line}\n`,
    )
  return sandbox
}

function serving(mode: ViewMode): void {
  process.stdout.write(
    mode === 'json'
      ? `${JSON.stringify({ event: 'serving', time: Date.now() })}\n`
      : 'loopnet: loop done; still serving the swarm (Ctrl-C stops)\n',
  )
}

const command = defineCommand(
  usage,
  {
    'data-dir': { type: 'string' },
    proposer: { type: 'string' },
    budget: { type: 'string' },
    grace: { type: 'string' },
    'max-experiments': { type: 'string' },
    seed: { type: 'string' },
    'min-delta': { type: 'string' },
    'noise-runs': { type: 'string' },
    'noise-k': { type: 'string' },
    python: { type: 'string' },
    corpus: { type: 'string' },
    'no-pipeline': { type: 'boolean' },
    json: { type: 'boolean' },
    'base-url': { type: 'string' },
    'api-key': { type: 'string' },
    model: { type: 'string' },
    bootstrap: { type: 'string', multiple: true },
    listen: { type: 'string', multiple: true },
    'local-swarm': { type: 'boolean' },
    serve: { type: 'boolean' },
    'unsafe-no-sandbox': { type: 'boolean' },
  },
  async (values, signal) => {
    const opts = resolveStartOptions(values as StartFlags)
    const store = new Store(storePath(opts.dataDir))
    try {
      const [corpus, budgetSeconds, baselineText, program, sandboxCheck] = await Promise.all([
        prepareCorpus(opts.python, opts.corpus, signal),
        opts.budgetSeconds ?? defaultBudget(opts.python, signal),
        readBaseline(),
        readProgram(),
        checkSandbox(opts.python, signal),
      ])
      const { genesis } = corpus
      const mode: ViewMode = opts.json ? 'json' : process.stdout.isTTY ? 'tty' : 'plain'
      const sandbox = sandboxMode(opts.unsafeNoSandbox, sandboxCheck, opts.llm !== undefined, mode)
      const compile = pyCompileCheck(opts.python)
      const builtin = new BuiltinProposer({ seed: opts.seed, baselineText })
      let proposer: Proposer = builtin
      if (opts.llm !== undefined && sandbox !== 'own-only')
        proposer = new LlmProposer({
          ...opts.llm,
          compile,
          ...(program !== undefined ? { program } : {}),
        })
      const node = await LoopnetNode.create({
        genesis,
        dataDir: opts.dataDir,
        listen: opts.network.listen,
        bootstrap: opts.network.bootstrap,
        localSwarm: opts.network.localSwarm,
        store: new NetworkStore(store, genesis),
        cursors: new StoreSyncCursors(store, genesis),
      })
      // the peer id is the author of this node's records from now on (status reads node_id)
      store.setState('node_id', node.peerId)
      const loop = new AgentLoop({
        dataDir: opts.dataDir,
        genesis,
        author: node.peerId,
        sink: new SwarmSink(store, node),
        swarm: new NetworkSwarmView(store, node),
        proposer,
        ...(proposer !== builtin ? { fallback: builtin } : {}),
        baselineText,
        python: opts.python,
        trainerDir,
        // Always named, so a stray $LOOPNET_CORPUS cannot train on data the genesis does not name.
        env: { LOOPNET_CORPUS: corpus.corpusSha256 },
        budgetSeconds,
        ...(opts.graceSeconds !== undefined ? { graceSeconds: opts.graceSeconds } : {}),
        minDelta: opts.minDelta,
        noiseRuns: opts.noiseRuns,
        noiseK: opts.noiseK,
        ...(opts.maxExperiments !== undefined ? { maxExperiments: opts.maxExperiments } : {}),
        pipeline: opts.pipeline,
        compile,
        sandbox,
      })
      const api = new ApiServer({
        dataDir: opts.dataDir,
        api: createNodeApi({
          store,
          genesis,
          status: () => ({
            peerId: node.peerId,
            multiaddrs: node.getMultiaddrs(),
            peers: node.getPeers(),
            best: loop.best ?? null,
          }),
        }),
      })
      await node.start()
      const detach: Array<() => void> = []
      try {
        await api.start()
        detach.push(attachNetworkView(node, mode), attachView(loop, mode))
        if (opts.maxExperiments !== 0) await loop.run(signal)
        if (opts.serve && !signal.aborted) {
          serving(mode)
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))
        }
      } finally {
        for (const off of detach) off()
        await api.stop()
        await node.stop()
      }
      return 0
    } catch (err) {
      // stopped while preparing (prepare.py, the tier probe): nothing ran, nothing to report
      if (signal.aborted) return 0
      throw err
    } finally {
      store.close()
    }
  },
)

export default command
