"""
loopnet eval_child.py: runs INSIDE a fresh sandbox after training has ended. Builds the model
with the train file's build_model(), loads the weights the harness hands over, and answers
batches of token windows with the model's logits. Untrusted like the train file (it runs the
file's code): the harness fixes every size, shuffles what it asks, and checks the answers.

Channels (fds from the environment): IN, a pipe (harness -> here): the weights, then batches
of B x T int32 token ids; REPLY, a shared buffer of exactly 2 x B x T x V float32 that this process
fills with each batch's logits (two halves, alternating); OUT, a pipe (here -> harness): b"R" once ready (b"N" instead
when the weights hold non-finite values: the run's own crash), then b"D" when a batch's logits
are in the buffer. The process ends when IN closes.
"""

import importlib.util
import io
import mmap
import os
import sys

import numpy as np
import torch
from loopnet import read_exact, write_all

IN_FD = int(os.environ["LOOPNET_IN_FD"])
OUT_FD = int(os.environ["LOOPNET_OUT_FD"])
REPLY_FD = int(os.environ["LOOPNET_REPLY_FD"])
WEIGHTS_BYTES = int(os.environ["LOOPNET_WEIGHTS_BYTES"])
B = int(os.environ["LOOPNET_EVAL_BATCH"])
T = int(os.environ["LOOPNET_SEQ_LEN"])
V = int(os.environ["LOOPNET_VOCAB_SIZE"])
ON_GPU = os.environ.get("LOOPNET_HW") == "cuda"


spec = importlib.util.spec_from_file_location("train", os.environ["LOOPNET_TRAIN_FILE"])
train = importlib.util.module_from_spec(spec)
sys.modules["train"] = train
spec.loader.exec_module(train)  # the main guard keeps its training from running
device = torch.device("cuda" if ON_GPU else "cpu")
model = train.build_model()
state = torch.load(io.BytesIO(read_exact(IN_FD, WEIGHTS_BYTES)), map_location=device)
# weights that went non-finite in training are the run's own crash, not a broken rule
if any(t.is_floating_point() and not torch.isfinite(t).all() for t in state.values()):
    write_all(OUT_FD, b"N")
    sys.exit(0)
model.load_state_dict(state)
model.to(device)
model.eval()
# two halves: batch k goes into half k % 2 (the harness scores one while this computes the other)
reply = np.frombuffer(mmap.mmap(REPLY_FD, 2 * B * T * V * 4), dtype=np.float32).reshape(2, B, T, V)
write_all(OUT_FD, b"R")
batch = 0
with torch.no_grad():
    while True:
        raw = read_exact(IN_FD, B * T * 4, eof_ok=True)
        if raw is None:
            break
        x = torch.from_numpy(np.frombuffer(raw, dtype=np.int32).reshape(B, T).astype(np.int64)).to(device)
        if ON_GPU:
            with torch.autocast(device_type="cuda", dtype=torch.bfloat16):
                logits = model(x)
        else:
            logits = model(x)
        reply[batch % 2] = logits.float().reshape(B, T, V).cpu().numpy()
        write_all(OUT_FD, b"D")
        batch += 1
