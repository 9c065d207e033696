"""
SIMULATED prepare.py for bench:swarm: nothing to prepare. The genesis hashes the simulated
trainer's files (the landscape included), so a changed landscape or noise model is a
different swarm, as a changed corpus is for the real trainer.
"""

import hashlib
import json
import sys
from pathlib import Path

FILES = ("prepare.py", "train.py", "harness.py", "landscape.py")


def genesis():
    here = Path(__file__).resolve().parent
    h = hashlib.sha256(b"loopnet-simulated-trainer\n")
    for name in FILES:
        h.update(hashlib.sha256((here / name).read_bytes()).digest())
    return h.hexdigest()


if "--genesis" in sys.argv:
    print(genesis())
elif "--json" in sys.argv:
    # loopnet start reads these two keys; the simulated "corpus" is no data at all
    print(json.dumps({"genesis": genesis(), "corpus_sha256": hashlib.sha256(b"").hexdigest()}))
else:
    print("SIMULATED trainer: nothing to prepare")
