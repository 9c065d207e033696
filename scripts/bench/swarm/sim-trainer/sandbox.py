"""
SIMULATED sandbox.py --check for bench:swarm: the simulated harness never executes a train
file (it only reads its constants), so there is nothing to sandbox; it answers that a sandbox
works, so nodes run each other's files as sandboxed nodes do.
"""

import json

print(json.dumps({"ok": True, "process_bound": "simulated"}))
