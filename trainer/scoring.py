"""
loopnet scoring.py: FIXED (trusted). Turns a model's logits into val_bpb and checks that the
model is a function of its prefix. Pure functions over tensors, run in the harness process:
the model only ever returns logits; normalisation, cross-entropy, byte counts and every
comparison happen here.

Causality (black-box): a probe is a real eval window whose tokens from position p on are
replaced by another window's; a causal model gives the same distribution at every position
before p. A different fresh process answers the probes than the real windows, so a model that
caches answers by prefix gains nothing; some windows are re-scored unmodified there too, which
catches state carried between queries (dynamic evaluation, caches) and batch-neighbour peeks.
"""

import math

import torch

# Positions per probe whose whole distribution is compared (the boundary p-1 and random ones
# before it); the target's log-prob is compared at every position before p.
FULL_DIST_POSITIONS = 8


class CausalityError(Exception):
    """The model's outputs before a position depend on tokens at or after it."""


class MalformedReplyError(Exception):
    """Logits that are not finite numbers."""


def log_softmax_fp32(logits):
    """(..., V) logits of any float dtype -> float32 log-probabilities, computed here. A NaN or
    +inf anywhere in a row makes its normaliser non-finite: one check per row, not per logit."""
    logits = logits.float()
    lse = torch.logsumexp(logits, dim=-1, keepdim=True)
    if not torch.isfinite(lse).all():
        raise MalformedReplyError("the model returned non-finite logits")
    return logits.sub_(lse)


def target_logprobs(logp, targets):
    """(B, T, V) log-probs and (B, T) targets -> (B, T) log-prob of each target (-inf, from a
    -inf logit, is malformed too: no honest model is infinitely sure a token cannot come)."""
    tlp = logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    if not torch.isfinite(tlp).all():
        raise MalformedReplyError("the model gave a target a log-prob of -inf")
    return tlp


class BpbAccumulator:
    """sum(CE nats) / (ln 2 * sum(bytes)) over targets; zero-byte targets (BOS) left out of both."""

    def __init__(self, token_bytes):
        self.nbytes = torch.as_tensor(token_bytes, dtype=torch.int64)
        self.nats = 0.0
        self.bytes = 0

    def add(self, target_logp, targets):
        b = self.nbytes[targets]
        mask = b > 0
        self.nats -= target_logp[mask].double().sum().item()
        self.bytes += int(b.sum().item())

    def bpb(self):
        if self.bytes == 0:
            raise MalformedReplyError("no bytes scored")
        return self.nats / (math.log(2) * self.bytes)


class Reference:
    """What the eval process answered for one window, kept for comparison with the probes."""

    def __init__(self, target_logp, dists, positions):
        self.target_logp = target_logp  # (T,)
        self.dists = dists  # (len(positions), V)
        self.positions = positions  # list of ints


def reference_of(logp_row, target_logp_row, positions):
    return Reference(target_logp_row.clone(), logp_row[positions].clone(), list(positions))


class CausalityCheck:
    """Accumulates probe comparisons; verdict() raises CausalityError on a broken bound."""

    def __init__(self, max_abs, mean_bound):
        self.max_abs = max_abs
        self.mean_bound = mean_bound
        self.worst = 0.0
        self.worst_where = ""
        self.boundary_diffs = []

    def _max(self, diff, where):
        d = float(diff.abs().max().item()) if diff.numel() else 0.0
        if not math.isfinite(d):
            d = math.inf
        if d > self.worst:
            self.worst, self.worst_where = d, where

    def compare(self, ref, probe_logp, probe_target_logp, prefix):
        """A probe whose tokens from `prefix` on were replaced (prefix = T: re-scored as is)."""
        self._max(ref.target_logp[:prefix] - probe_target_logp[:prefix], f"target log-prob before position {prefix}")
        for i, pos in enumerate(ref.positions):
            if pos < prefix:
                self._max(ref.dists[i] - probe_logp[pos], f"distribution at position {pos} (prefix {prefix})")
        if prefix < len(ref.target_logp):
            # how much more likely the true next token was when the model could see it
            self.boundary_diffs.append(float(ref.target_logp[prefix - 1] - probe_target_logp[prefix - 1]))

    def mean_gain(self):
        return sum(self.boundary_diffs) / len(self.boundary_diffs) if self.boundary_diffs else 0.0

    def verdict(self):
        if self.worst > self.max_abs:
            raise CausalityError(
                f"outputs changed by {self.worst:.3g} nats (bound {self.max_abs:g}) at the {self.worst_where}: "
                "the model looks at tokens after the position it predicts, or answers differently per query"
            )
        gain = self.mean_gain()
        if gain > self.mean_bound:
            raise CausalityError(
                f"the true next token was {gain:.3g} nats more likely on average when it was in the input "
                f"(bound {self.mean_bound:g}, {len(self.boundary_diffs)} probes): the model peeks at future tokens"
            )
