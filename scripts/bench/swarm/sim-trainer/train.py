# SIMULATED train file for bench:swarm (scripts/bench/swarm/README.md): nothing here trains.
# The simulated harness (harness.py beside it) reads these constants the way loopnet's proposer
# sees them and scores them with landscape.py: val_bpb = landscape(constants) + N(0, sigma).
# The names and moves mirror trainer/train.py's, so the built-in proposer behaves as it does on
# the real trainer; the numbers are a made-up landscape with a known optimum.

DEPTH = 4  # transformer layers
ASPECT_RATIO = 64  # width per layer
HEAD_DIM = 64  # attention head width
MLP_RATIO = 4  # MLP hidden width / model width
ACTIVATION = "gelu"  # gelu | relu2 | silu
USE_QK_NORM = False  # normalise queries and keys
BATCH_SIZE = 16  # sequences per step
MATRIX_LR = 0.04  # Muon
EMBEDDING_LR = 0.6  # AdamW
UNEMBEDDING_LR = 0.004  # AdamW
WEIGHT_DECAY = 0.0
MUON_MOMENTUM = 0.95
WARMDOWN_FRAC = 0.5  # final fraction of the budget where the lr decays to 0
SOFTCAP = 15.0  # logit soft-capping
SEED = 1

print("SIMULATED train file: run it through the simulated harness.py, which scores it")
