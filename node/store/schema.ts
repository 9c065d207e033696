/**
 * The store's tables. `records` holds every experiment (own and, later, peers'), exactly the
 * fields of protocol/types.ts ExperimentFields plus the record id and signature, with a local
 * insertion index (`idx`) that sync cursors page on. Version bumps append migrations; a migration
 * once released is never edited (stores in the field have it applied already).
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE records (
    idx INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    genesis TEXT NOT NULL,
    author TEXT NOT NULL,
    seq INTEGER NOT NULL,
    parent_hash TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    diff TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('keep', 'discard', 'crash')),
    val_bpb REAL NOT NULL,
    training_seconds REAL NOT NULL,
    total_seconds REAL NOT NULL,
    num_steps INTEGER NOT NULL,
    total_tokens INTEGER NOT NULL,
    peak_mem_mb REAL NOT NULL,
    tier TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    signature BLOB,
    received_at INTEGER NOT NULL,
    UNIQUE (genesis, author, seq)
  );
  CREATE INDEX records_parent ON records (genesis, parent_hash);
  CREATE INDEX records_best ON records (genesis, tier, status, val_bpb);
  CREATE INDEX records_author ON records (author, seq);

  -- train files by sha256 of their bytes (fetch protocol, resume, rebase)
  CREATE TABLE files (
    hash TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    size INTEGER NOT NULL,
    added_at INTEGER NOT NULL
  );

  -- this node's own runs: where they live in the workspace's git, how they were made
  CREATE TABLE local_runs (
    record_id TEXT PRIMARY KEY REFERENCES records (id),
    commit_hash TEXT NOT NULL,
    parent_commit TEXT NOT NULL,
    source TEXT NOT NULL,
    log_path TEXT NOT NULL,
    wall_seconds REAL NOT NULL,
    crash_reason TEXT
  );

  -- small node-wide facts: node id, schema notes
  CREATE TABLE state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: the leaderboard's and the network's indexes
  `
  -- best KEEP per author of a tier: one index range, already in (author, val_bpb, created_at)
  -- order, so the per-author minimum needs no sort and no table reads until the winners
  CREATE INDEX records_author_best ON records (genesis, tier, status, author, val_bpb, created_at);
  -- who found a file, who re-measured it (lineage, confirmations)
  CREATE INDEX records_file ON records (genesis, file_hash, status);
  -- sync serves only signed records of one genesis, in insertion order
  CREATE INDEX records_signed ON records (genesis, idx) WHERE signature IS NOT NULL;
  `,
  // 3: experiment counts per (genesis, tier, author), kept by triggers: counting 100k records per
  // board would take ~200 ms, reading one row per author takes well under 1
  `
  CREATE TABLE author_counts (
    genesis TEXT NOT NULL,
    tier TEXT NOT NULL,
    author TEXT NOT NULL,
    keep INTEGER NOT NULL,
    discard INTEGER NOT NULL,
    crash INTEGER NOT NULL,
    PRIMARY KEY (genesis, tier, author)
  ) WITHOUT ROWID;
  INSERT INTO author_counts (genesis, tier, author, keep, discard, crash)
    SELECT genesis, tier, author, SUM(status = 'keep'), SUM(status = 'discard'), SUM(status = 'crash')
      FROM records GROUP BY genesis, tier, author;
  CREATE TRIGGER records_count_insert AFTER INSERT ON records BEGIN
    INSERT INTO author_counts (genesis, tier, author, keep, discard, crash)
      VALUES (NEW.genesis, NEW.tier, NEW.author,
              NEW.status = 'keep', NEW.status = 'discard', NEW.status = 'crash')
      ON CONFLICT (genesis, tier, author) DO UPDATE SET
        keep = keep + excluded.keep,
        discard = discard + excluded.discard,
        crash = crash + excluded.crash;
  END;
  -- records are never deleted today; a future prune must not leave the counts wrong
  CREATE TRIGGER records_count_delete AFTER DELETE ON records BEGIN
    UPDATE author_counts SET
        keep = keep - (OLD.status = 'keep'),
        discard = discard - (OLD.status = 'discard'),
        crash = crash - (OLD.status = 'crash')
      WHERE genesis = OLD.genesis AND tier = OLD.tier AND author = OLD.author;
  END;
  `,
  // 4: a re-measure remembers whose claim it checked and its verdict, so a node stops
  // re-running the claims of an author it keeps refuting (agent/rebase.ts), across restarts
  `
  ALTER TABLE local_runs ADD COLUMN claimed_by TEXT;
  ALTER TABLE local_runs ADD COLUMN rebase_verdict TEXT;
  `,
]
