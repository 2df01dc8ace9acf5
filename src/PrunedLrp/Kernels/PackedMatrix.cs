using static PrunedLrp.Kernels.GemmBlocking;

namespace PrunedLrp.Kernels;

/// <summary>
/// A matrix copied once into the panel layout of <see cref="Gemm"/>, to be used as the left operand (A, m x k) or the
/// right operand (B, k x n) of many products without re-packing (e.g. layer weights). Immutable and thread-safe.
/// </summary>
public sealed unsafe class PackedMatrix
{
    // Pinned (POH) so the packed panels have a stable address for the unsafe driver; 64-byte aligned.
    readonly PinnedFloats _data;

    PackedMatrix(bool isLeft, int rows, int columns, bool modelForm)
    {
        IsLeftOperand = isLeft;
        Rows = rows;
        Columns = columns;
        PaddedWidth = isLeft ? RoundUp(rows, MR) : RoundUp(columns, NR);
        int depth = isLeft ? columns : rows;
        long length = (long)PaddedWidth * depth;
        if (length > Array.MaxLength - 16)
            throw new ArgumentOutOfRangeException(nameof(rows), $"a {rows}x{columns} matrix is too large to pack");
        _data = FormArena.Rent((int)length, shared: modelForm);
    }

    /// <summary>True for a left operand (A, packed with <see cref="PackLeft(bool, int, int, ReadOnlySpan{float}, int)"/>), false for a right operand (B).</summary>
    public bool IsLeftOperand { get; }

    /// <summary>Rows of op(X): m for a left operand, k for a right operand.</summary>
    public int Rows { get; }

    /// <summary>Columns of op(X): k for a left operand, n for a right operand.</summary>
    public int Columns { get; }

    /// <summary>m (left) or n (right) rounded up to the panel width.</summary>
    internal int PaddedWidth { get; }

    /// <summary>The first packed float, 64-byte aligned.</summary>
    internal float* Data => _data.Pointer;

    /// <summary>
    /// Packs op(A) (m x k) as a left operand: op(A)[i, p] = <paramref name="a"/>[i * lda + p], or
    /// [p * lda + i] when <paramref name="transA"/>.
    /// </summary>
    public static PackedMatrix PackLeft(bool transA, int m, int k, ReadOnlySpan<float> a, int lda) =>
        PackLeft(transA, m, k, a, lda, modelForm: false);

    /// <summary><see cref="PackLeft(bool, int, int, ReadOnlySpan{float}, int)"/>; a <paramref name="modelForm"/> (kept
    /// as long as its model) may share a huge-page block with other forms (<see cref="FormArena"/>).</summary>
    internal static PackedMatrix PackLeft(bool transA, int m, int k, ReadOnlySpan<float> a, int lda, bool modelForm)
    {
        Gemm.CheckOperand(transA, m, k, a.Length, lda, nameof(a));
        var packed = new PackedMatrix(true, m, k, modelForm);
        if (m == 0 || k == 0) return packed;
        fixed (float* pa = a)
        {
            int step = DepthStep(k), panels = (m + MR - 1) / MR;
            var job = new PackLeftJob
            {
                Source = pa, Destination = packed.Data, Lda = lda, Trans = transA, M = m, K = k, Step = step,
                PaddedWidth = packed.PaddedWidth,
                // Two halves of the row panels per depth block, so that even one block keeps both threads busy.
                Parts = panels >= 2 ? 2 : 1,
            };
            int chunks = (k + step - 1) / step * job.Parts;
            // A model's first call packs hundreds of MB of forms into fresh memory; on two threads the kernel's zeroing
            // of those pages is split between them too. Small matrices are not worth the hand-over.
            if ((long)m * k < ParallelPackFloats || !KernelWorker.TryRun(&PackLeftChunk, &job, chunks))
                for (int chunk = 0; chunk < chunks; chunk++) PackLeftChunk(&job, chunk);
        }
        return packed;
    }

    /// <summary>Below this many floats a matrix is packed on the calling thread alone.</summary>
    const long ParallelPackFloats = 1 << 16;

    struct PackLeftJob
    {
        public float* Source, Destination;
        public int Lda, M, K, Step, PaddedWidth, Parts;
        public bool Trans;
    }

    // Chunk = depth block * Parts + part: rows of the part's whole row panels, depth [pc, pc + kc).
    static void PackLeftChunk(void* context, int chunk)
    {
        ref var j = ref *(PackLeftJob*)context;
        int pc = chunk / j.Parts * j.Step, part = chunk % j.Parts, kc = Math.Min(j.Step, j.K - pc);
        int panels = (j.M + MR - 1) / MR, r0 = panels * part / j.Parts * MR, r1 = Math.Min(j.M, panels * (part + 1) / j.Parts * MR);
        if (r0 >= r1) return;
        float* src = j.Trans ? j.Source + (long)pc * j.Lda + r0 : j.Source + (long)r0 * j.Lda + pc;
        // Depth block pc holds its row panels one after another, MR x kc floats each (GemmPacking.PackA).
        GemmPacking.PackA(src, j.Lda, j.Trans, r1 - r0, kc, j.Destination + (long)pc * j.PaddedWidth + (long)r0 * kc);
    }

    /// <summary>
    /// Packs op(B) (k x n) as a right operand: op(B)[p, j] = <paramref name="b"/>[p * ldb + j], or
    /// [j * ldb + p] when <paramref name="transB"/>.
    /// </summary>
    public static PackedMatrix PackRight(bool transB, int k, int n, ReadOnlySpan<float> b, int ldb) =>
        PackRight(transB, k, n, b, ldb, modelForm: false);

    /// <summary><see cref="PackRight(bool, int, int, ReadOnlySpan{float}, int)"/>; a <paramref name="modelForm"/> may
    /// share a huge-page block with other forms (<see cref="FormArena"/>).</summary>
    internal static PackedMatrix PackRight(bool transB, int k, int n, ReadOnlySpan<float> b, int ldb, bool modelForm)
    {
        Gemm.CheckOperand(transB, k, n, b.Length, ldb, nameof(b));
        var packed = new PackedMatrix(false, k, n, modelForm);
        fixed (float* pb = b)
        {
            float* dst = packed.Data;
            for (int pc = 0, step = DepthStep(k); pc < k; pc += step)
            {
                int kc = Math.Min(step, k - pc);
                float* src = transB ? pb + pc : pb + (long)pc * ldb;
                GemmPacking.PackB(src, ldb, transB, kc, n, dst + (long)pc * packed.PaddedWidth);
            }
        }
        return packed;
    }

    /// <summary>Copies a left operand back out, row-major: <c>a[i * k + p] = op(A)[i, p]</c> (the inverse of <see cref="PackLeft(bool, int, int, ReadOnlySpan{float}, int)"/>).</summary>
    internal void UnpackLeft(Span<float> a)
    {
        if (!IsLeftOperand)
            throw new InvalidOperationException("only a left operand unpacks");
        if (a.Length < (long)Rows * Columns)
            throw new ArgumentException($"a has {a.Length} values, want {(long)Rows * Columns}", nameof(a));
        float* data = Data;
        int m = Rows, k = Columns;
        // Depth block pc holds the row panels one after another, each kc steps of MR floats (see GemmPacking.PackA).
        for (int pc = 0, step = DepthStep(k); pc < k; pc += step)
        {
            int kc = Math.Min(step, k - pc);
            float* block = data + (long)pc * PaddedWidth;
            for (int i = 0; i < m; i++)
            {
                float* panel = block + (long)(i - i % MR) * kc + i % MR;
                for (int p = 0; p < kc; p++)
                    a[i * k + pc + p] = panel[(long)p * MR];
            }
        }
    }
}
