/**
 * The store's tables. `records` holds every experiment (own and, later, peers'), exactly the
 * fields of protocol/types.ts ExperimentFields plus the record id and signature, with a local
 * insertion index (`idx`) that sync cursors page on. Version bumps append migrations; a migration
 * once released is never edited (stores in the field have it applied already). Migrations run
 * with foreign keys off (a table rebuild drops the table local_runs references) and are checked
 * with foreign_key_check before each commits (db.ts).
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
  // 5: record format 2 (protocol/types.ts): status 'rejected' with its reason, the budget, the
  // harness's phases, parameters, seed, the sandbox opt-out and the record's format; num_steps
  // and total_tokens go. SQLite cannot change a CHECK constraint in place, so the table is
  // rebuilt (same idx values and AUTOINCREMENT sequence: peers' sync cursors stay valid). Rows
  // already here are format 1 (version 1, budget 0, zero phases): readable, never served by
  // sync (their signatures cover format-1 bytes), and of an older genesis anyway. Counts are
  // per budget too, and count rejections.
  `
  CREATE TABLE records_v5 (
    idx INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    genesis TEXT NOT NULL,
    author TEXT NOT NULL,
    seq INTEGER NOT NULL,
    parent_hash TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    diff TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('keep', 'discard', 'crash', 'rejected')),
    val_bpb REAL NOT NULL,
    budget_seconds REAL NOT NULL,
    training_seconds REAL NOT NULL,
    startup_seconds REAL NOT NULL,
    eval_seconds REAL NOT NULL,
    probe_seconds REAL NOT NULL,
    total_seconds REAL NOT NULL,
    num_params INTEGER NOT NULL,
    peak_mem_mb REAL NOT NULL,
    seed INTEGER NOT NULL,
    tier TEXT NOT NULL,
    reason TEXT NOT NULL,
    unsandboxed INTEGER NOT NULL CHECK (unsandboxed IN (0, 1)),
    description TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    signature BLOB,
    received_at INTEGER NOT NULL,
    UNIQUE (genesis, author, seq)
  );
  INSERT INTO records_v5 (idx, id, version, genesis, author, seq, parent_hash, file_hash, diff,
      status, val_bpb, budget_seconds, training_seconds, startup_seconds, eval_seconds,
      probe_seconds, total_seconds, num_params, peak_mem_mb, seed, tier, reason, unsandboxed,
      description, created_at, signature, received_at)
    SELECT idx, id, 1, genesis, author, seq, parent_hash, file_hash, diff,
      status, val_bpb, 0, training_seconds, 0, 0,
      0, total_seconds, 0, peak_mem_mb, 0, tier, '', 0,
      description, created_at, signature, received_at
    FROM records ORDER BY idx;
  -- the next idx continues from the old table's, never reusing one a peer's cursor has passed
  INSERT INTO sqlite_sequence (name, seq)
    SELECT 'records_v5', seq FROM sqlite_sequence WHERE name = 'records'
      AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'records_v5');
  UPDATE sqlite_sequence
    SET seq = MAX(seq, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'records'), 0))
    WHERE name = 'records_v5';
  DROP TABLE records;
  ALTER TABLE records_v5 RENAME TO records;

  CREATE INDEX records_parent ON records (genesis, parent_hash);
  -- the best KEEP of a tier and budget (bestKeep, the rebase query)
  CREATE INDEX records_best ON records (genesis, tier, budget_seconds, status, val_bpb);
  CREATE INDEX records_author ON records (author, seq);
  -- best KEEP per author of a tier and budget, in (author, val_bpb, created_at) order
  CREATE INDEX records_author_best
    ON records (genesis, tier, budget_seconds, status, author, val_bpb, created_at);
  CREATE INDEX records_file ON records (genesis, file_hash, status);
  CREATE INDEX records_signed ON records (genesis, idx) WHERE signature IS NOT NULL;

  DROP TRIGGER IF EXISTS records_count_insert;
  DROP TRIGGER IF EXISTS records_count_delete;
  DROP TABLE author_counts;
  CREATE TABLE author_counts (
    genesis TEXT NOT NULL,
    tier TEXT NOT NULL,
    budget_seconds REAL NOT NULL,
    author TEXT NOT NULL,
    keep INTEGER NOT NULL,
    discard INTEGER NOT NULL,
    crash INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    PRIMARY KEY (genesis, tier, budget_seconds, author)
  ) WITHOUT ROWID;
  INSERT INTO author_counts (genesis, tier, budget_seconds, author, keep, discard, crash, rejected)
    SELECT genesis, tier, budget_seconds, author, SUM(status = 'keep'), SUM(status = 'discard'),
        SUM(status = 'crash'), SUM(status = 'rejected')
      FROM records GROUP BY genesis, tier, budget_seconds, author;
  CREATE TRIGGER records_count_insert AFTER INSERT ON records BEGIN
    INSERT INTO author_counts (genesis, tier, budget_seconds, author, keep, discard, crash, rejected)
      VALUES (NEW.genesis, NEW.tier, NEW.budget_seconds, NEW.author, NEW.status = 'keep',
              NEW.status = 'discard', NEW.status = 'crash', NEW.status = 'rejected')
      ON CONFLICT (genesis, tier, budget_seconds, author) DO UPDATE SET
        keep = keep + excluded.keep,
        discard = discard + excluded.discard,
        crash = crash + excluded.crash,
        rejected = rejected + excluded.rejected;
  END;
  CREATE TRIGGER records_count_delete AFTER DELETE ON records BEGIN
    UPDATE author_counts SET
        keep = keep - (OLD.status = 'keep'),
        discard = discard - (OLD.status = 'discard'),
        crash = crash - (OLD.status = 'crash'),
        rejected = rejected - (OLD.status = 'rejected')
      WHERE genesis = OLD.genesis AND tier = OLD.tier AND budget_seconds = OLD.budget_seconds
        AND author = OLD.author;
  END;
  `,
  // 6: the author's seed noise on each record (protocol/types.ts noiseSigma, noiseDof); 0 is
  // "not measured", which is what every row already here says
  `
  ALTER TABLE records ADD COLUMN noise_sigma REAL NOT NULL DEFAULT 0;
  ALTER TABLE records ADD COLUMN noise_dof INTEGER NOT NULL DEFAULT 0;
  `,
]
