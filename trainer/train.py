"""
loopnet train.py: the EDITABLE part of the experiment. Agents change this file, and only this.

A small GPT (RMSNorm, RoPE, QK-norm causal attention, relu^2 MLP, untied embeddings) trained
with Muon (matrices) + AdamW (embeddings, lm_head) for a fixed wall-clock budget. Lower val_bpb
is better.

Runs on CUDA with torch 2.x (bf16 autocast, SDPA flash attention, torch.compile) and on CPU
with torch 1.13 (fp32, manual attention, no compile).

The contract with loopnet's harness (program.md): build_model() returns the model, whose
forward(idx) gives logits; main() trains it between loopnet.begin(), which hands over the train
split and starts the clock, and loopnet.finish(model), which hands the weights back. The
harness measures the time and scores the model itself, in another process; nothing printed
here counts.
"""

import contextlib
import ctypes
import math
import os
import sys
import time

# Idle worker threads that spin steal the core from whatever else runs (the node, a test, the
# other thread pool: torch's OpenMP and OpenBLAS's pthreads are separate): on a busy 2-core
# machine passive waiting doubled throughput. Must be set before torch loads the libraries.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")  # sleep after 2^4 cycles, not 2^28

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import loopnet  # noqa: E402  (the harness's side of the contract: begin, finish, the tier)

HW, TIER = loopnet.HW, loopnet.TIER  # "cpu" | "cuda", and the tier key, e.g. cpu-2c
ON_GPU = HW == "cuda"
VOCAB_SIZE = loopnet.VOCAB_SIZE

# -----------------------------------------------------------------------------
# Hyperparameters (UPPER_CASE; why-comments say what each trades off)

# The one complexity dial: layers. Width follows as DEPTH * ASPECT_RATIO, so one number sizes
# the model for the device. GPU: 8 layers x 512 (autoresearch's size); CPU: 2 layers x 128,
# ~1.4M params of which 1M are the embedding and lm_head (vocab 4096).
DEPTH = 8 if ON_GPU else 2
ASPECT_RATIO = 64  # width per layer, autoresearch's ratio
# Wide heads use the GPU's tensor cores. On CPU the one 128-wide head makes attention's
# batched matmuls twice as efficient as two 64-wide ones (K=128), and it scored better at 60 s
# (val_bpb 1.563 vs 1.584).
HEAD_DIM = 128
MODEL_DIM = DEPTH * ASPECT_RATIO
N_HEAD = max(1, MODEL_DIM // HEAD_DIM)
MLP_RATIO = 4

# Eval context is fixed by the harness (per tier); training on the same length keeps RoPE
# positions in range and the train/eval distributions alike.
SEQ_LEN = loopnet.SEQ_LEN
# Tokens per optimizer step. CPU: 16 x 256, because 60 s only holds ~150 steps; at 60 s,
# 8 sequences scored 1.660, 16 scored 1.655 and 32 scored 1.705. GPU: autoresearch's 2^19.
DEVICE_BATCH = 64 if ON_GPU else 16  # sequences per forward pass
TOTAL_BATCH_TOKENS = 2**19 if ON_GPU else 16 * SEQ_LEN  # grad accumulation fills the rest

# Optimizer: Muon for 2D matrices, AdamW for embedding/lm_head (nanochat's split and rates).
MATRIX_LR = 0.04  # Muon
EMBEDDING_LR = 0.6  # AdamW, scaled by (MODEL_DIM/768)^-0.5 like nanochat
UNEMBEDDING_LR = 0.004  # AdamW, same scaling
WEIGHT_DECAY = 0.0
ADAM_BETAS = (0.8, 0.95)
MUON_MOMENTUM = 0.95
WARMUP_FRAC = 0.0  # fraction of the budget spent ramping the lr up (0: Muon needs none)
WARMDOWN_FRAC = 0.5  # final fraction of the budget where the lr decays linearly to 0

# Forward+backward passes on random tokens before begin(), without optimizer steps (the
# weights stay as initialised): compilation (GPU: the first pass) and allocator warm-up
# happen outside the budget. The harness bounds this untimed start-up per tier.
WARMUP_PASSES = 3 if ON_GPU else 1
# Muon's Newton-Schulz iterations. CPU: 4, not 5: the 128-wide matrices' small matmuls run
# at half the speed of the model's, and 4 iterations orthogonalise well enough in 60 s.
NS_STEPS = 5 if ON_GPU else 4
CE_CHUNK = 1024  # CPU: rows of logits per fused lm_head+loss chunk (16 MB of fp32: fits L3)

# -----------------------------------------------------------------------------
# Device set-up

torch.manual_seed(loopnet.SEED)  # the harness chooses each run's seed and records it
if ON_GPU:
    device = torch.device("cuda")
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    autocast = lambda: torch.autocast(device_type="cuda", dtype=torch.bfloat16)  # noqa: E731
else:
    device = torch.device("cpu")
    # Debian's torch starts with 1 thread; use every core this process may run on.
    n_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    torch.set_num_threads(n_cores)
    # glibc returns big freed blocks (logits, activations) to the OS and page-faults them
    # back in on the next step; keeping them in the heap saves ~10% of the step.
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1 << 30)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD
    except OSError:
        pass
    # CPU bf16 is slower than fp32 without AMX: plain fp32, a no-op context.
    autocast = contextlib.nullcontext
HAS_SDPA = hasattr(F, "scaled_dot_product_attention")
HAS_COMPILE = hasattr(torch, "compile")
# torch.compile needs a C compiler and Python headers for Triton's launcher; LOOPNET_COMPILE=0
# runs eager on a GPU box that lacks them (slower, same numbers)
USE_COMPILE = ON_GPU and HAS_COMPILE and os.environ.get("LOOPNET_COMPILE", "1") != "0"
# CPU: x @ w.t() as oneDNN 1x1 convolutions (see mm_t); torch takes oneDNN there only with
# more than one thread
ONEDNN_MM = not ON_GPU and torch.backends.mkldnn.is_available() and torch.get_num_threads() > 1
# CPU: attention's batched matmuls and Muon's Newton-Schulz run as two halves on two threads,
# OpenBLAS single-threaded in each (split_batch). torch's bmm loops over the sequences calling
# a 2-thread sgemm for each 256x256 product, and waking OpenBLAS's sleeping thread for every
# one held them at ~100-130 GFLOP/s; the halves run at ~150 (Muon: 10.4 -> 8.7 ms a step).
# Two cores only (two halves fill two), and only when OpenBLAS is torch's BLAS (RTLD_NOLOAD:
# find the loaded library, never load another one).
OPENBLAS = None
if not ON_GPU and torch.get_num_threads() == 2:
    try:
        OPENBLAS = ctypes.CDLL("libopenblas.so.0", mode=os.RTLD_NOLOAD | os.RTLD_LAZY)
        OPENBLAS.openblas_set_num_threads
    except (OSError, AttributeError):
        OPENBLAS = None
if OPENBLAS is not None:
    from concurrent.futures import ThreadPoolExecutor

    def _one_omp_thread():
        # elementwise ops on the pool's thread stay on it: OpenMP's thread count is per thread,
        # and a second team of two would compete with the caller's for the two cores
        try:
            ctypes.CDLL("libgomp.so.1", mode=os.RTLD_NOLOAD | os.RTLD_LAZY).omp_set_num_threads(1)
        except (OSError, AttributeError):
            pass

    HALF_POOL = ThreadPoolExecutor(1, initializer=_one_omp_thread)  # the first half runs on the caller

# -----------------------------------------------------------------------------
# Model


def rms_norm(x):
    if hasattr(F, "rms_norm"):
        # eps as in the CPU kernels (F.rms_norm's default is float32's machine epsilon)
        return F.rms_norm(x, (x.size(-1),), eps=1e-6)
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6)


def apply_rotary(x, cos, sin):
    # x: (B, H, T, D); rotate the two halves of each head
    d = x.size(-1) // 2
    x1, x2 = x[..., :d], x[..., d:]
    cos, sin = cos.to(x.dtype), sin.to(x.dtype)  # stay in bf16 under autocast
    return torch.cat((x1 * cos + x2 * sin, x2 * cos - x1 * sin), dim=-1)


# CPU kernels. Autograd through the textbook formulas launches a dozen elementwise ops per
# norm or rotary, each a pass over a few MB; these hand-written backward passes use 3-5, so
# the CPU's time goes to the matmuls. The GPU path keeps the formulas for torch.compile.


class RMSNormCPU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        r = torch.linalg.vector_norm(x, dim=-1, keepdim=True).square_().div_(x.size(-1)).add_(1e-6).rsqrt_()
        y = x * r
        ctx.save_for_backward(y, r)
        return y

    @staticmethod
    def backward(ctx, g):
        y, r = ctx.saved_tensors
        return torch.addcmul(g, y, (g * y).mean(-1, keepdim=True), value=-1).mul_(r)


def norm(x):
    return rms_norm(x) if ON_GPU else RMSNormCPU.apply(x)


class QKVPrepCPU(torch.autograd.Function):
    """qkv (B, T, 3, H, D) -> q, k rotated and rms-normed, v; each (B*H, T, D) contiguous, the
    layout bmm wants. Rotation keeps the norm, so norm(rotate(x)) = rotate(x) * r(x)."""

    @staticmethod
    def forward(ctx, qkv, cos, sin):
        B, T, _, H, D = qkv.shape
        d = D // 2
        x = qkv.permute(2, 0, 3, 1, 4)  # (3, B, H, T, D), a view
        xqk = x[:2]
        r = torch.linalg.vector_norm(xqk, dim=-1, keepdim=True).square_().div_(D).add_(1e-6).rsqrt_()
        y = xqk.new_empty(xqk.shape)
        y1, y2 = y[..., :d], y[..., d:]
        torch.mul(xqk[..., :d], cos, out=y1).addcmul_(xqk[..., d:], sin)
        torch.mul(xqk[..., d:], cos, out=y2).addcmul_(xqk[..., :d], sin, value=-1)
        y.mul_(r)
        ctx.save_for_backward(y, r, cos, sin)
        return y[0].view(B * H, T, D), y[1].view(B * H, T, D), x[2].reshape(B * H, T, D)

    @staticmethod
    def backward(ctx, gq, gk, gv):
        y, r, cos, sin = ctx.saved_tensors
        _, B, H, T, D = y.shape
        d = D // 2
        out = gq.new_empty(B, T, 3, H, D)
        gx = out.permute(2, 0, 3, 1, 4)
        for i, g in enumerate((gq.view(B, H, T, D), gk.view(B, H, T, D))):
            gu = torch.addcmul(g, y[i], (g * y[i]).mean(-1, keepdim=True), value=-1).mul_(r[i])  # the norm
            g1, g2 = gu[..., :d], gu[..., d:]
            torch.mul(g1, cos, out=gx[i, ..., :d]).addcmul_(g2, sin, value=-1)  # the inverse rotation
            torch.mul(g2, cos, out=gx[i, ..., d:]).addcmul_(g1, sin)
        gx[2].copy_(gv.view(B, H, T, D))
        return out, None, None


def _no_grad(f, *a):
    with torch.no_grad():  # grad mode is per thread; out= refuses tensors that require grad
        return f(*a)


def split_batch(n, f):
    """f(slice) for the two halves of a batch of n, the second on HALF_POOL's thread, with
    OpenBLAS single-threaded meanwhile (see OPENBLAS); f(slice(None)) where there is none."""
    if OPENBLAS is None:
        f(slice(None))
        return
    OPENBLAS.openblas_set_num_threads(1)
    try:
        fut = HALF_POOL.submit(_no_grad, f, slice(n // 2, None))
        f(slice(0, n // 2))
        fut.result()
    finally:
        OPENBLAS.openblas_set_num_threads(2)


class AttentionCPU(torch.autograd.Function):
    """softmax(q k^T * scale + mask) v for q, k, v (BH, T, D) with its backward written out:
    the matmuls go through split_batch into preallocated outputs, the softmax and its gradient
    run in place on the caller's threads, and the scale rides in the matmuls' alpha."""

    @staticmethod
    def forward(ctx, q, k, v, mask, scale):
        BH, T, D = q.shape
        att = q.new_empty(BH, T, T)
        y = q.new_empty(BH, T, D)
        split_batch(BH, lambda s: torch.baddbmm(mask, q[s], k[s].transpose(1, 2), alpha=scale, out=att[s]))
        torch._softmax(att, -1, False, out=att)  # in place: each row is read before written
        split_batch(BH, lambda s: torch.bmm(att[s], v[s], out=y[s]))
        ctx.save_for_backward(q, k, v, att)
        ctx.scale = scale
        return y

    @staticmethod
    def backward(ctx, gy):
        q, k, v, att = ctx.saved_tensors
        scale = ctx.scale
        gy = gy.contiguous()
        # v may be a strided view of qkv; its gradient is a plain (BH, T, D) tensor
        datt, gv = torch.empty_like(att), torch.empty_like(v, memory_format=torch.contiguous_format)

        def grads_of_att_and_v(s):
            torch.bmm(gy[s], v[s].transpose(1, 2), out=datt[s])
            torch.bmm(att[s].transpose(1, 2), gy[s], out=gv[s])

        split_batch(q.size(0), grads_of_att_and_v)
        ds = torch._softmax_backward_data(datt, att, -1, att.dtype)
        gq, gk = torch.empty_like(q), torch.empty_like(k)

        def grads_of_q_and_k(s):
            torch.baddbmm(gq[s], ds[s], k[s], beta=0, alpha=scale, out=gq[s])
            torch.baddbmm(gk[s], ds[s].transpose(1, 2), q[s], beta=0, alpha=scale, out=gk[s])

        split_batch(q.size(0), grads_of_q_and_k)
        return gq, gk, gv, None, None


def mm_t(a, b):
    """CPU: a @ b.t() for a (n, k) and a contiguous b (m, k). With 2+ threads torch runs a 1x1
    convolution on oneDNN, whose kernels do these skinny shapes ~10% faster than OpenBLAS's
    sgemm: over n positions in channels-last layout, input and output are a's and the
    result's own memory, so nothing is copied. (With 1 thread torch would not pick oneDNN.)"""
    if not ONEDNN_MM:
        return torch.mm(a, b.t())
    n, k = a.shape
    out = F.conv2d(a.view(1, 1, n, k).permute(0, 3, 1, 2), b.view(b.size(0), k, 1, 1))
    return out.permute(0, 2, 3, 1).view(n, b.size(0))


class LinearCPU(torch.autograd.Function):
    """x @ w.t() with mm_t for the output and the input's gradient; the weight's gradient (a
    reduction over the tokens) stays on OpenBLAS, which does it twice as fast as oneDNN."""

    @staticmethod
    def forward(ctx, x, w):
        x2 = x.reshape(-1, x.size(-1))
        ctx.save_for_backward(x2, w)
        return mm_t(x2, w).view(*x.shape[:-1], w.size(0))

    @staticmethod
    def backward(ctx, g):
        x2, w = ctx.saved_tensors
        g2 = g.reshape(-1, g.size(-1))
        # a tall weight's gradient (qkv: 384 x 128) is ~25% faster computed transposed
        gw = torch.mm(x2.t(), g2).t() if w.size(0) > w.size(1) else torch.mm(g2.t(), x2)
        return mm_t(g2, w.t().contiguous()).view(*g.shape[:-1], w.size(1)), gw


class MLPCPU(torch.autograd.Function):
    """proj(relu(fc(x))^2) with its backward written out: the relu runs in place on fc's
    output and the 2 of relu^2's derivative goes into the small gradients, so the wide
    (tokens, 4 * dim) activations take three passes instead of five."""

    @staticmethod
    def forward(ctx, x, w_fc, w_proj):
        x2 = x.reshape(-1, x.size(-1))
        r = mm_t(x2, w_fc).relu_()
        s = r * r
        ctx.save_for_backward(x2, w_fc, w_proj, r, s)
        return mm_t(s, w_proj).view(x.shape)

    @staticmethod
    def backward(ctx, g):
        x2, w_fc, w_proj, r, s = ctx.saved_tensors
        g2 = g.reshape(-1, g.size(-1))
        g_proj = torch.mm(g2.t(), s)
        gh = mm_t(g2, w_proj.t().contiguous()).mul_(r)  # half of relu^2's derivative; 2x below
        g_fc = torch.mm(gh.t(), x2).mul_(2.0)
        gx = mm_t(gh, w_fc.t().contiguous()).mul_(2.0)
        return gx.view(g.shape), g_fc, g_proj


class Attention(nn.Module):
    def __init__(self, dim, n_head):
        super().__init__()
        self.n_head = n_head
        self.qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.proj = nn.Linear(dim, dim, bias=False)

    def forward(self, x, cos, sin, mask):
        B, T, C = x.shape
        H = self.n_head
        if not ON_GPU:
            qkv = LinearCPU.apply(x, self.qkv.weight).view(B, T, 3, H, C // H)
            q, k, v = QKVPrepCPU.apply(qkv, cos[0, 0], sin[0, 0])
            y = AttentionCPU.apply(q, k, v, mask[:T, :T], q.size(-1) ** -0.5).view(B, H, T, -1)
            return LinearCPU.apply(y.transpose(1, 2).reshape(B, T, C), self.proj.weight)
        qkv = self.qkv(x).view(B, T, 3, H, C // H).permute(2, 0, 3, 1, 4)
        qk = rms_norm(apply_rotary(qkv[:2], cos, sin))  # q and k in one pass: half the ops
        q, k, v = qk[0].to(qkv.dtype), qk[1].to(qkv.dtype), qkv[2]
        if HAS_SDPA:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            qf, kf = q.reshape(B * H, T, -1), k.reshape(B * H, T, -1)
            att = torch.baddbmm(mask[:T, :T], qf, kf.transpose(1, 2), alpha=q.size(-1) ** -0.5)
            y = (att.softmax(dim=-1) @ v.reshape(B * H, T, -1)).view(B, H, T, -1)
        return self.proj(y.transpose(1, 2).reshape(B, T, C))


class MLP(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.fc = nn.Linear(dim, MLP_RATIO * dim, bias=False)
        self.proj = nn.Linear(MLP_RATIO * dim, dim, bias=False)

    def forward(self, x):
        if not ON_GPU:
            return MLPCPU.apply(x, self.fc.weight, self.proj.weight)
        return self.proj(F.relu(self.fc(x)).square())


class Block(nn.Module):
    def __init__(self, dim, n_head):
        super().__init__()
        self.attn = Attention(dim, n_head)
        self.mlp = MLP(dim)

    def forward(self, x, cos, sin, mask):
        x = x + self.attn(norm(x), cos, sin, mask)
        return x + self.mlp(norm(x))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(VOCAB_SIZE, MODEL_DIM)
        self.blocks = nn.ModuleList(Block(MODEL_DIM, N_HEAD) for _ in range(DEPTH))
        self.lm_head = nn.Linear(MODEL_DIM, VOCAB_SIZE, bias=False)
        hd = MODEL_DIM // N_HEAD
        inv_freq = 1.0 / (10000 ** (torch.arange(0, hd, 2).float() / hd))
        freqs = torch.outer(torch.arange(SEQ_LEN).float(), inv_freq)
        self.register_buffer("cos", freqs.cos()[None, None], persistent=False)
        self.register_buffer("sin", freqs.sin()[None, None], persistent=False)
        mask = torch.full((SEQ_LEN, SEQ_LEN), float("-inf")).triu(diagonal=1)
        self.register_buffer("mask", mask, persistent=False)
        self.reset_parameters()

    def reset_parameters(self):
        # nanochat: unit-variance embeddings, small lm_head, zero residual projections so
        # every block starts as the identity
        nn.init.normal_(self.wte.weight, std=1.0)
        nn.init.normal_(self.lm_head.weight, std=0.001)
        s = 3**0.5 * MODEL_DIM**-0.5
        for blk in self.blocks:
            nn.init.uniform_(blk.attn.qkv.weight, -s, s)
            nn.init.uniform_(blk.mlp.fc.weight, -s, s)
            nn.init.zeros_(blk.attn.proj.weight)
            nn.init.zeros_(blk.mlp.proj.weight)

    def forward(self, idx, targets=None):
        T = idx.size(1)
        cos, sin = self.cos[:, :, :T], self.sin[:, :, :T]
        x = norm(self.wte(idx))
        for blk in self.blocks:
            x = blk(x, cos, sin, self.mask)
        x = norm(x)
        if targets is None:
            return self.lm_head(x)  # logits: the interface the harness scores
        if not ON_GPU:
            return LinearCrossEntropy.apply(x.reshape(-1, x.size(-1)), self.lm_head.weight, targets.reshape(-1))
        logits = self.lm_head(x)
        return F.cross_entropy(logits.float().view(-1, logits.size(-1)), targets.reshape(-1))


class LinearCrossEntropy(torch.autograd.Function):
    """CPU: lm_head + mean cross-entropy, with the gradients computed in the forward pass.
    The logits' gradient is softmax(logits) - onehot, so one in-place softmax replaces
    log_softmax, its backward and nll's zero-filled gradient, and the logits are never kept
    for autograd. Rows go through in chunks of CE_CHUNK (16 MB of logits, which stay in cache;
    the whole 64 MB tensor cost ~30 ms a step of page faults on a VM)."""

    @staticmethod
    def forward(ctx, x, weight, targets):
        n = x.size(0)
        grad_x, grad_weight_t = torch.empty_like(x), weight.new_zeros(weight.size(1), weight.size(0))
        # the mean's 1/n rides in the matmuls (weight_t's copy, addmm's alpha), so the usual
        # backward (grad_loss 1) hands the gradients on as they are
        weight_t = torch.mul(weight.t(), 1.0 / n, out=weight.new_empty(weight.size(1), weight.size(0)))
        loss = x.new_zeros(())
        for i in range(0, n, CE_CHUNK):
            xc, tc = x[i : i + CE_CHUNK], targets[i : i + CE_CHUNK]
            probs = mm_t(xc, weight)
            torch._softmax(probs, 1, False, out=probs)  # in place: each row is read before written
            rows = torch.arange(xc.size(0))
            p_target = probs[rows, tc]
            # -log p is log_softmax's loss until p underflows (a loss > 87 nats); NaN stays NaN
            loss -= p_target.clamp_min(1e-38).log().sum()
            probs[rows, tc] = p_target - 1.0  # the logits' gradient, times n
            # both gradients in the layouts their matmuls run fastest in (oneDNN for x's; the
            # weight's transposed: OpenBLAS does xc.t() @ probs ~25% faster than probs.t() @ xc)
            grad_x[i : i + CE_CHUNK] = mm_t(probs, weight_t)
            grad_weight_t.addmm_(xc.t(), probs, alpha=1.0 / n)
        ctx.save_for_backward(grad_x, grad_weight_t.t().contiguous())
        return loss / n

    @staticmethod
    def backward(ctx, grad_loss):
        grad_x, grad_weight = ctx.saved_tensors
        if grad_loss.item() == 1.0:
            return grad_x, grad_weight, None
        return grad_x * grad_loss, grad_weight * grad_loss, None


# -----------------------------------------------------------------------------
# Optimizer: Muon (orthogonalised momentum) for matrices, AdamW for the rest


def newton_schulz(G, steps=NS_STEPS):
    """Approximately orthogonalise a matrix (Keller Jordan's quintic iteration)."""
    a, b, c = 3.4445, -4.7750, 2.0315
    X = G.bfloat16() if G.is_cuda else G
    tall = X.size(0) > X.size(1)
    if tall:
        X = X.t().contiguous()  # iterate on the wide side: smaller X @ X.T
    X = X / (X.norm() + 1e-7)
    for _ in range(steps):
        A = X @ X.t()
        B = torch.addmm(A, A, A, beta=b, alpha=c)  # b*A + c*A@A, one fused call
        X = torch.addmm(X, B, X, beta=a)  # a*X + B@X
    if tall:
        X = X.t()
    return X.to(G.dtype)


class Muon(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum):
        super().__init__(params, dict(lr=lr, momentum=momentum))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            params = group["params"]
            if ON_GPU:
                self.update(params, group)
            else:
                # CPU: the first half of the matrices (layer by layer, so the halves match) on
                # this thread, the second on HALF_POOL's: Newton-Schulz's small matmuls run on
                # single-threaded OpenBLAS without waking a second thread for each
                split_batch(len(params), lambda s: self.update(params[s], group))

    def update(self, params, group):
        for p in params:
            if p.grad is None:
                continue
            st = self.state[p]
            if "buf" not in st:
                st["buf"] = torch.zeros_like(p)
            buf = st["buf"].mul_(group["momentum"]).add_(p.grad)
            g = p.grad.add(buf, alpha=group["momentum"])  # Nesterov
            scale = max(1.0, p.size(0) / p.size(1)) ** 0.5  # same rms update for any shape
            p.add_(newton_schulz(g), alpha=-group["lr"] * scale)


def build_optimizers(model):
    matrices = [p for n, p in model.named_parameters() if p.ndim == 2 and n.startswith("blocks.")]
    scale = (MODEL_DIM / 768) ** -0.5
    adam_groups = [
        dict(params=[model.wte.weight], lr=EMBEDDING_LR * scale),
        dict(params=[model.lm_head.weight], lr=UNEMBEDDING_LR * scale),
    ]
    kw = dict(betas=ADAM_BETAS, eps=1e-10, weight_decay=WEIGHT_DECAY)
    if ON_GPU:
        kw["fused"] = True
    else:
        kw["foreach"] = True
    adam = torch.optim.AdamW(adam_groups, **kw)
    muon = Muon(matrices, lr=MATRIX_LR, momentum=MUON_MOMENTUM)
    opts = [adam, muon]
    for opt in opts:
        for g in opt.param_groups:
            g["initial_lr"] = g["lr"]
    return opts


def lr_multiplier(progress):
    if progress < WARMUP_FRAC:
        return (progress + 1e-3) / WARMUP_FRAC
    if progress < 1.0 - WARMDOWN_FRAC:
        return 1.0
    return max(0.0, (1.0 - progress) / WARMDOWN_FRAC)


# -----------------------------------------------------------------------------
# The harness's entry points: build_model() (also used to rebuild the model for eval) and main()


def build_model():
    return GPT().to(device)


def batch_sampler(train_ids):
    """get_batch() -> (x, y) of DEVICE_BATCH random windows of the train split."""
    offsets = np.arange(SEQ_LEN + 1)
    if ON_GPU:
        # the whole train split lives on the GPU (int32: 4 bytes a token), so a batch is one
        # gather with no host round trip or sync
        train_gpu = torch.from_numpy(train_ids.astype(np.int32)).to(device)
        gpu_offsets = torch.from_numpy(offsets).to(device)
        gen = torch.Generator(device=device)
        gen.manual_seed(loopnet.SEED)

        def get_batch():
            starts = torch.randint(0, len(train_ids) - SEQ_LEN - 1, (DEVICE_BATCH, 1), device=device, generator=gen)
            buf = train_gpu[starts + gpu_offsets].long()
            return buf[:, :-1].contiguous(), buf[:, 1:].contiguous()

    else:
        rng = np.random.default_rng(loopnet.SEED)

        def get_batch():
            starts = rng.integers(0, len(train_ids) - SEQ_LEN - 1, size=DEVICE_BATCH)
            buf = torch.from_numpy(train_ids[starts[:, None] + offsets].astype(np.int64))
            return buf[:, :-1].contiguous(), buf[:, 1:].contiguous()

    return get_batch


def main():
    model = build_model()
    num_params = sum(p.numel() for p in model.parameters())
    optimizers = build_optimizers(model)
    train_model = torch.compile(model, dynamic=False) if USE_COMPILE else model
    grad_accum = max(1, TOTAL_BATCH_TOKENS // (DEVICE_BATCH * SEQ_LEN))
    tokens_per_step = grad_accum * DEVICE_BATCH * SEQ_LEN
    budget = loopnet.BUDGET
    # FLOPs per token for MFU: 6 per matmul weight (fwd+bwd) plus causal attention
    n_matmul = num_params - model.wte.weight.numel()
    flops_per_token = 6 * n_matmul + 12 * DEPTH * MODEL_DIM * SEQ_LEN  # nanochat's estimate
    # dense bf16 peaks by the GPU part of the tier key (cuda-<gpu>-<mem>g), matched exactly: a
    # PCIe H100 is a different card (and tier) from the SXM one, "l4" is not "l40s"
    PEAK_FLOPS = {
        "h100": 989e12,
        "h100pcie": 756e12,
        "h200": 989e12,
        "a100": 312e12,
        "a100pcie": 312e12,
        "l40s": 362e12,
        "l4": 121e12,
        "4090": 165e12,
    }
    peak = PEAK_FLOPS.get(TIER.split("-")[1], 0.0) if ON_GPU else 0.0
    print(f"device: {TIER}  params: {num_params / 1e6:.2f}M  depth {DEPTH} dim {MODEL_DIM} heads {N_HEAD}")
    print(f"budget: {budget:.0f} s  tokens/step: {tokens_per_step}  seq_len: {SEQ_LEN}  compile: {USE_COMPILE}")
    sys.stdout.flush()

    # untimed warm-up on random tokens: gradients only, thrown away
    for _ in range(WARMUP_PASSES):
        x = torch.randint(0, VOCAB_SIZE, (DEVICE_BATCH, SEQ_LEN), device=device)
        with autocast():
            train_model(x, x).backward()
        model.zero_grad(set_to_none=True)

    train_ids = loopnet.begin()  # the clock starts; the train split arrives
    get_batch = batch_sampler(train_ids)
    step = 0
    elapsed = 0.0
    x, y = get_batch()
    while elapsed < budget:
        t0 = time.time()
        progress = min(elapsed / budget, 1.0)
        for opt in optimizers:
            for g in opt.param_groups:
                g["lr"] = g["initial_lr"] * lr_multiplier(progress)
        for _ in range(grad_accum):
            with autocast():
                loss = train_model(x, y)
            (loss / grad_accum).backward()
            x, y = get_batch()
        for opt in optimizers:
            opt.step()
        model.zero_grad(set_to_none=True)
        loss_f = loss.item()  # syncs, so the step time below is real
        if math.isnan(loss_f) or loss_f > 100:
            print(f"step {step}: loss {loss_f}")
            print("FAIL")
            sys.exit(1)
        dt = time.time() - t0
        step += 1
        elapsed = loopnet.elapsed()
        if step % 10 == 0 or step <= 3:
            print(f"step {step:5d} | loss {loss_f:.4f} | {dt * 1000:.0f} ms | {tokens_per_step / dt:.0f} tok/s | {elapsed:.1f} s")
            sys.stdout.flush()

    # informational only: the harness measures time and scores the model itself
    tok_per_s = step * tokens_per_step / max(elapsed, 1e-9)
    mfu = 100 * tok_per_s * flops_per_token / peak if peak else 0.0
    peak_vram_mb = torch.cuda.max_memory_allocated() / 2**20 if ON_GPU else 0.0
    print(f"throughput: {tok_per_s:.0f} tok/s over {step} steps  mfu: {mfu:.2f}%  peak_vram_mb: {peak_vram_mb:.0f}")
    # passes over the train split: far above 1 the run measures memorising a small corpus
    print(f"epochs: {step * tokens_per_step / len(train_ids):.2f}")
    sys.stdout.flush()
    loopnet.finish(model)


if __name__ == "__main__":
    main()
