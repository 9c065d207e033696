/**
 * The node's own git repository holding the train file: every experiment is a commit on its
 * parent; a kept one stays on the branch, the others are parked under refs/loopnet/experiments/
 * (so `git log --all` shows the whole journal) and the branch is reset to the parent.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type SimpleGit, simpleGit } from 'simple-git'
import { sha256Hex } from '../protocol/hash.ts'
import { WorkspaceError } from './errors.ts'
import { formatCommitMessage } from './trailers.ts'

export interface WorkspaceInit {
  dir: string
  /** Name of the train file inside the workspace. */
  trainFile?: string
}

const BRANCH = 'main'

export class Workspace {
  readonly dir: string
  readonly trainFile: string
  private git: SimpleGit | undefined

  constructor(init: WorkspaceInit) {
    this.dir = init.dir
    this.trainFile = init.trainFile ?? 'train.py'
  }

  get trainPath(): string {
    return join(this.dir, this.trainFile)
  }

  private get repo(): SimpleGit {
    if (this.git === undefined) throw new WorkspaceError('workspace is not open')
    return this.git
  }

  /**
   * Opens the repository, creating it with a root commit when absent. Local identity and no
   * hooks/signing, so commits work on machines without any git config.
   */
  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    this.git = simpleGit({ baseDir: this.dir })
    const isRepo = await this.git.checkIsRepo('root' as never).catch(() => false)
    if (!isRepo) {
      await this.git.raw(['init', '-q', '-b', BRANCH])
    }
    for (const [key, value] of [
      ['user.name', 'loopnet'],
      ['user.email', 'loopnet@localhost'],
      ['commit.gpgsign', 'false'],
      ['gc.auto', '0'],
    ] as const) {
      await this.git.raw(['config', '--local', key, value])
    }
    if ((await this.tryHead()) === undefined) {
      await writeFile(join(this.dir, '.gitignore'), '__pycache__/\n*.log\n')
      await this.git.raw(['add', '.gitignore'])
      await this.git.raw(['commit', '-q', '--no-verify', '-m', 'loopnet workspace'])
    }
  }

  private async tryHead(): Promise<string | undefined> {
    try {
      return (await this.repo.raw(['rev-parse', '--verify', '-q', 'HEAD'])).trim() || undefined
    } catch {
      return undefined
    }
  }

  async head(): Promise<string> {
    const head = await this.tryHead()
    if (head === undefined) throw new WorkspaceError(`no HEAD in ${this.dir}`)
    return head
  }

  async rootCommit(): Promise<string> {
    const out = await this.repo.raw(['rev-list', '--max-parents=0', 'HEAD'])
    const root = out.trim().split('\n').at(-1)
    if (root === undefined || root === '') throw new WorkspaceError('no root commit')
    return root
  }

  async hasCommit(commit: string): Promise<boolean> {
    try {
      await this.repo.raw(['cat-file', '-e', `${commit}^{commit}`])
      return true
    } catch {
      return false
    }
  }

  /** The train file at a commit, or undefined when that commit has none. */
  async fileAt(commit: string): Promise<string | undefined> {
    try {
      return await this.repo.show([`${commit}:${this.trainFile}`])
    } catch {
      return undefined
    }
  }

  async readTrainFile(): Promise<string> {
    return readFile(this.trainPath, 'utf8')
  }

  async writeTrainFile(text: string): Promise<void> {
    await writeFile(this.trainPath, text)
  }

  /** Commits the train file as it is now on HEAD; returns the new commit. */
  async commit(text: string, message: string): Promise<string> {
    await this.writeTrainFile(text)
    await this.repo.raw(['add', '--', this.trainFile])
    await this.repo.raw(['commit', '-q', '--no-verify', '--allow-empty', '-m', message])
    return this.head()
  }

  /** Names a commit so it stays reachable after the branch moves back (discards, crashes). */
  async park(seq: number, commit: string): Promise<void> {
    await this.repo.raw(['update-ref', `refs/loopnet/experiments/${seq}`, commit])
  }

  /**
   * Back to a kept run's commit. When git lost it (or it holds another file), the text comes
   * from `fetch` (the store) and is committed again on the root commit.
   */
  async restore(
    kept: { commit: string; fileHash: string; valBpb: number },
    fetch: () => Promise<string>,
  ): Promise<{ commit: string; text: string }> {
    const { fileHash, valBpb } = kept
    let commit = kept.commit
    let text = (await this.hasCommit(commit)) ? await this.fileAt(commit) : undefined
    if (text === undefined || sha256Hex(text) !== fileHash) {
      text = await fetch()
      await this.resetTo(await this.rootCommit())
      commit = await this.commit(
        text,
        formatCommitMessage(`restore ${fileHash.slice(0, 12)} from the store`, {
          'File-Hash': fileHash,
          'Val-Bpb': valBpb.toFixed(6),
          Status: 'restore',
        }),
      )
    }
    await this.resetTo(commit)
    return { commit, text }
  }

  /**
   * Branch, index and work tree to exactly this commit. `clean` (stray files removed) costs a
   * process per call, so the per-experiment path skips it: only train.py ever changes there.
   */
  async resetTo(commit: string, clean = true): Promise<void> {
    await this.repo.raw(['reset', '-q', '--hard', commit])
    if (clean) await this.repo.raw(['clean', '-fdq'])
  }
}
