package dev.s2s.projector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.Metric;
import dev.s2s.api.SnapOptions;
import dev.s2s.api.SnapResult;
import dev.s2s.api.TokenMatrix;
import dev.s2s.api.TokenSnapper;
import dev.s2s.kernels.Kernels;

/**
 * Exact k-nearest-neighbour search of frames against a {@link TokenMatrix}, batched as a blocked
 * matrix multiply on {@link Kernels} (SIMD through the Vector API when enabled, else scalar).
 *
 * <p>All frames of a call are scored in one pass: the matrix is widened to float one block of
 * rows at a time (about 256 KB, so it stays in L2) and every query of the task passes over that
 * block before the next one is read, so the matrix streams through the cache once per block of
 * queries rather than once per query. Work is split into tasks over query blocks (or, for fewer
 * frames than tasks, over ranges of token rows) and run on a configurable executor.
 *
 * <p>Scores: inner product; cosine (queries are normalised, token norms precomputed once);
 * L2 as the negated squared distance {@code 2 q·t − |t|² − |q|²}. Higher is better; ties go to
 * the lower id; the optional blank ranks after every token on ties (internally it is row
 * {@code V}) and is reported as id {@code -1}. For INT8 storage the scores use the dequantized
 * rows ({@code byte × scale}).
 *
 * <p>Thread-safe: {@link #snap} may be called concurrently. Closing shuts down only an executor
 * the snapper created itself.
 */
public final class VectorTokenSnapper implements TokenSnapper {

    /** Target bytes of one widened block of token rows. */
    private static final int BLOCK_BYTES = 256 * 1024;

    private final TokenMatrix matrix;
    private final Kernels kernels;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private final int tasks;
    private final int tokenBlock;
    private final int queryBlock;
    private final int rows;
    private final int dim;
    private volatile float[] sqNorms;
    private volatile boolean closed;

    private VectorTokenSnapper(Builder b) {
        this.matrix = b.matrix;
        this.kernels = b.kernels == null ? Kernels.get() : b.kernels;
        this.rows = matrix.rows();
        this.dim = matrix.dim();
        this.tasks = b.threads;
        if (b.executor != null) {
            this.executor = b.executor;
            this.ownedExecutor = null;
        } else if (b.threads > 1) {
            AtomicInteger n = new AtomicInteger();
            this.ownedExecutor = Executors.newFixedThreadPool(b.threads - 1, r -> {
                Thread t = new Thread(r, "s2s-snapper-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.executor = ownedExecutor;
        } else {
            this.executor = null;
            this.ownedExecutor = null;
        }
        int tb = b.tokenBlock > 0 ? b.tokenBlock : BLOCK_BYTES / (4 * dim);
        this.tokenBlock = Math.max(4, Math.min(4096, tb) & ~3);
        this.queryBlock = Math.max(1, b.queryBlock);
    }

    /** A builder over {@code matrix}. */
    public static Builder builder(TokenMatrix matrix) {
        return new Builder(matrix);
    }

    /** A single-threaded snapper on the default kernels. */
    public static VectorTokenSnapper of(TokenMatrix matrix) {
        return builder(matrix).build();
    }

    @Override
    public TokenMatrix matrix() {
        return matrix;
    }

    /** The kernels in use. */
    public Kernels kernels() {
        return kernels;
    }

    @Override
    public SnapResult snap(EmbeddingSequence vectors, SnapOptions options) {
        if (closed) {
            throw new IllegalStateException("snapper is closed");
        }
        Objects.requireNonNull(vectors, "vectors");
        Objects.requireNonNull(options, "options");
        if (vectors.dim() != dim) {
            throw new IllegalArgumentException("vectors have width " + vectors.dim() + " but the token matrix has width "
                    + dim);
        }
        int frames = vectors.frames();
        float[] q = new float[frames * dim];
        vectors.copyTo(q, 0);
        checkFinite(q, "frame");
        float[] blank = options.blank();
        if (blank != null) {
            if (blank.length != dim) {
                throw new IllegalArgumentException("blank vector has width " + blank.length + ", the matrix " + dim);
            }
            checkFinite(blank, "blank");
        }
        long[] excluded = excludedMask(options.excludedIds());
        int candidates = rows - options.excludedIds().length + (blank != null ? 1 : 0);
        if (candidates <= 0) {
            throw new IllegalArgumentException("every token id is excluded");
        }
        int k = Math.min(options.topK(), candidates);
        int kk = Math.max(k, 2);
        Metric metric = options.metric();
        float[] qNorm2 = new float[frames];
        for (int t = 0; t < frames; t++) {
            qNorm2[t] = kernels.dot(q, t * dim, q, t * dim, dim);
            if (metric == Metric.COSINE && qNorm2[t] > 0) {
                float inv = (float) (1.0 / Math.sqrt(qNorm2[t]));
                for (int d = 0; d < dim; d++) {
                    q[t * dim + d] *= inv;
                }
            }
        }
        float[] norms = metric == Metric.INNER_PRODUCT ? null : sqNorms();
        TopK top = new TopK(frames, kk);
        if (frames > 0) {
            score(q, frames, metric, norms, excluded, top);
        }
        if (blank != null) {
            float bn2 = kernels.dot(blank, 0, blank, 0, dim);
            for (int t = 0; t < frames; t++) {
                float s = kernels.dot(q, t * dim, blank, 0, dim);
                top.offer(t, adjust(s, bn2, metric), rows);
            }
        }
        return result(top, frames, k, metric, qNorm2, options.collapseRepeats());
    }

    private static void checkFinite(float[] x, String what) {
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalArgumentException(what + " value " + i + " is not finite: " + x[i]);
            }
        }
    }

    private long[] excludedMask(int[] ids) {
        long[] mask = new long[(rows + 63) >>> 6];
        for (int id : ids) {
            if (id < 0 || id >= rows) {
                throw new IllegalArgumentException("excluded id " + id + " is outside the vocabulary [0, " + rows + ")");
            }
            mask[id >>> 6] |= 1L << id;
        }
        return mask;
    }

    private static float adjust(float dot, float tokenNorm2, Metric metric) {
        return switch (metric) {
            case INNER_PRODUCT -> dot;
            case COSINE -> tokenNorm2 > 0 ? (float) (dot / Math.sqrt(tokenNorm2)) : 0f;
            case L2 -> 2 * dot - tokenNorm2;
        };
    }

    /** Squared norms of every (widened) row, computed once. */
    private float[] sqNorms() {
        float[] n = sqNorms;
        if (n == null) {
            synchronized (this) {
                n = sqNorms;
                if (n == null) {
                    n = new float[rows];
                    float[] blk = new float[tokenBlock * dim];
                    for (int t0 = 0; t0 < rows; t0 += tokenBlock) {
                        int nb = Math.min(tokenBlock, rows - t0);
                        widen(t0, nb, blk);
                        for (int j = 0; j < nb; j++) {
                            n[t0 + j] = kernels.dot(blk, j * dim, blk, j * dim, dim);
                        }
                    }
                    sqNorms = n;
                }
            }
        }
        return n;
    }

    /** Widens rows {@code [t0, t0+nb)} into {@code blk} as floats. */
    private void widen(int t0, int nb, float[] blk) {
        MemorySegment data = matrix.data();
        long base = (long) t0 * dim;
        switch (matrix.storage()) {
            case F32 -> MemorySegment.copy(data, ValueLayout.JAVA_FLOAT_UNALIGNED, base * 4, blk, 0, nb * dim);
            case F16 -> kernels.halfToFloat(data, base * 2, blk, 0, nb * dim);
            case INT8 -> {
                for (int j = 0; j < nb; j++) {
                    kernels.int8ToFloat(data, base + (long) j * dim, matrix.scale(t0 + j), blk, j * dim, dim);
                }
            }
        }
    }

    private void score(float[] q, int frames, Metric metric, float[] norms, long[] excluded, TopK top) {
        int t = Math.max(1, tasks);
        if (executor == null || t == 1) {
            scoreRange(q, 0, frames, 0, rows, metric, norms, excluded, top);
            return;
        }
        List<Runnable> work = new ArrayList<>();
        List<TopK> partial = new ArrayList<>();
        if (frames >= 4 * t) {
            int chunk = (frames + t - 1) / t;
            for (int f0 = 0; f0 < frames; f0 += chunk) {
                int from = f0;
                int to = Math.min(frames, f0 + chunk);
                work.add(() -> scoreRange(q, from, to, 0, rows, metric, norms, excluded, top));
            }
        } else {
            int chunk = ((rows + t - 1) / t + 3) & ~3;
            for (int r0 = 0; r0 < rows; r0 += chunk) {
                int from = r0;
                int to = Math.min(rows, r0 + chunk);
                TopK part = new TopK(frames, top.k);
                partial.add(part);
                work.add(() -> scoreRange(q, 0, frames, from, to, metric, norms, excluded, part));
            }
        }
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 1; i < work.size(); i++) {
            futures.add(CompletableFuture.runAsync(work.get(i), executor));
        }
        work.get(0).run();
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
        for (TopK part : partial) {
            top.mergeFrom(part);
        }
    }

    /** Scores frames {@code [f0, f1)} against rows {@code [r0, r1)} into {@code top}. */
    private void scoreRange(float[] q, int f0, int f1, int r0, int r1, Metric metric, float[] norms, long[] excluded,
            TopK top) {
        float[] blk = new float[tokenBlock * dim];
        int qb = Math.min(queryBlock, f1 - f0);
        float[] sc = new float[qb * tokenBlock];
        for (int t0 = r0; t0 < r1; t0 += tokenBlock) {
            int nb = Math.min(tokenBlock, r1 - t0);
            widen(t0, nb, blk);
            for (int i0 = f0; i0 < f1; i0 += qb) {
                int m = Math.min(qb, f1 - i0);
                kernels.matmulTransB(q, i0 * dim, dim, blk, 0, dim, sc, 0, nb, m, nb, dim);
                for (int i = 0; i < m; i++) {
                    int row = i * nb;
                    int frame = i0 + i;
                    for (int j = 0; j < nb; j++) {
                        int id = t0 + j;
                        float s = sc[row + j];
                        if (metric != Metric.INNER_PRODUCT) {
                            s = adjust(s, norms[id], metric);
                        }
                        if (s >= top.worst(frame) && (excluded[id >>> 6] & (1L << id)) == 0) {
                            top.offer(frame, s, id);
                        }
                    }
                }
            }
        }
    }

    private SnapResult result(TopK top, int frames, int k, Metric metric, float[] qNorm2, boolean collapse) {
        int[] topTokens = new int[frames * k];
        float[] topScores = new float[frames * k];
        int[] tokens = new int[frames];
        float[] scores = new float[frames];
        float[] margins = new float[frames];
        int[] at = new int[frames];
        int n = 0;
        int prev = Integer.MIN_VALUE;
        for (int t = 0; t < frames; t++) {
            float shift = metric == Metric.L2 ? qNorm2[t] : 0f;
            for (int r = 0; r < k; r++) {
                int id = top.id(t, r);
                topTokens[t * k + r] = id == rows ? -1 : id;
                topScores[t * k + r] = top.score(t, r) - shift;
            }
            int best = top.id(t, 0);
            float margin = top.count(t) > 1 ? top.score(t, 0) - top.score(t, 1) : Float.POSITIVE_INFINITY;
            if (collapse && best == prev) {
                continue;
            }
            prev = best;
            if (best == rows) {
                continue;
            }
            tokens[n] = best;
            scores[n] = top.score(t, 0) - shift;
            margins[n] = margin;
            at[n] = t;
            n++;
        }
        return new SnapResult(java.util.Arrays.copyOf(tokens, n), java.util.Arrays.copyOf(scores, n),
                java.util.Arrays.copyOf(margins, n), java.util.Arrays.copyOf(at, n), k, topTokens, topScores);
    }

    @Override
    public void close() {
        closed = true;
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "VectorTokenSnapper[" + matrix + ", " + kernels.name() + ", tasks=" + tasks + "]";
    }

    /**
     * Per-frame best-first candidate lists. Ordering: higher score first, then lower id. Each frame
     * is written by one task only; {@link #mergeFrom} runs after the tasks finish.
     */
    static final class TopK {
        final int k;
        private final float[] scores;
        private final int[] ids;
        private final int[] counts;

        TopK(int frames, int k) {
            this.k = k;
            this.scores = new float[frames * k];
            this.ids = new int[frames * k];
            this.counts = new int[frames];
        }

        /** The score a candidate must reach to be considered (ties are resolved in offer). */
        float worst(int frame) {
            return counts[frame] < k ? Float.NEGATIVE_INFINITY : scores[frame * k + k - 1];
        }

        void offer(int frame, float s, int id) {
            int base = frame * k;
            int c = counts[frame];
            if (c == k && !better(s, id, scores[base + k - 1], ids[base + k - 1])) {
                return;
            }
            int pos = c == k ? k - 1 : c;
            while (pos > 0 && better(s, id, scores[base + pos - 1], ids[base + pos - 1])) {
                scores[base + pos] = scores[base + pos - 1];
                ids[base + pos] = ids[base + pos - 1];
                pos--;
            }
            scores[base + pos] = s;
            ids[base + pos] = id;
            if (c < k) {
                counts[frame] = c + 1;
            }
        }

        private static boolean better(float s, int id, float s2, int id2) {
            return s > s2 || (s == s2 && id < id2);
        }

        void mergeFrom(TopK other) {
            for (int f = 0; f < counts.length; f++) {
                for (int r = 0; r < other.counts[f]; r++) {
                    offer(f, other.scores[f * k + r], other.ids[f * k + r]);
                }
            }
        }

        int count(int frame) {
            return counts[frame];
        }

        int id(int frame, int rank) {
            return ids[frame * k + rank];
        }

        float score(int frame, int rank) {
            return scores[frame * k + rank];
        }
    }

    /** Builder for {@link VectorTokenSnapper}. Not thread-safe. */
    public static final class Builder {
        private final TokenMatrix matrix;
        private Kernels kernels;
        private Executor executor;
        private int threads = 1;
        private int tokenBlock;
        private int queryBlock = 128;

        private Builder(TokenMatrix matrix) {
            this.matrix = Objects.requireNonNull(matrix, "matrix");
        }

        /** @param v the kernels (default {@link Kernels#get()}) @return this */
        public Builder kernels(Kernels v) {
            kernels = v;
            return this;
        }

        /**
         * @param v executor for the extra tasks (the calling thread runs one task itself); when
         *          null and {@code threads > 1} the snapper creates and owns a pool
         * @return this
         */
        public Builder executor(Executor v) {
            executor = v;
            return this;
        }

        /** @param v tasks per call (threads), at least 1 @return this */
        public Builder threads(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + v);
            }
            threads = v;
            return this;
        }

        /** @param v token rows widened per block (0: about 256 KB worth) @return this */
        public Builder tokenBlock(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("tokenBlock must be >= 0, got " + v);
            }
            tokenBlock = v;
            return this;
        }

        /** @param v queries per matrix multiply (default 128) @return this */
        public Builder queryBlock(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("queryBlock must be >= 1, got " + v);
            }
            queryBlock = v;
            return this;
        }

        /** @return the snapper */
        public VectorTokenSnapper build() {
            return new VectorTokenSnapper(this);
        }
    }
}
