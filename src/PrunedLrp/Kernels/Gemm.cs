using System.Runtime.Intrinsics.X86;

namespace PrunedLrp.Kernels;

/// <summary>
/// Single-precision matrix product on row-major matrices:
/// <c>C[i, j] = (accumulate ? C[i, j] : 0) + sum_p op(A)[i, p] op(B)[p, j]</c> for i &lt; m, j &lt; n, p &lt; k, where
/// op(X) = X or X^T. Cache-blocked with packed panels and a 6 x 16 Vector256 FMA register tile (12 x 16 Vector512 on
/// CPUs and builds with AVX-512; Vector128 fallback without FMA); large products run on two threads. No allocations in
/// steady state; safe for concurrent callers.
/// </summary>
/// <remarks>
/// Summation order differs from a plain loop (blocked by up to 288 along k), so results agree with it to rounding, not bit
/// for bit. NaN and infinity propagate as in IEEE arithmetic, except that entries of A or B multiplied only by the
/// zero padding of an edge tile never reach C. C must not overlap A or B.
/// </remarks>
public static unsafe class Gemm
{
    /// <summary>
    /// <c>C (+)= op(A) op(B)</c>: op(A) is m x k, stored <paramref name="a"/>[i * lda + p] (or [p * lda + i] when
    /// <paramref name="transA"/>); op(B) is k x n, stored <paramref name="b"/>[p * ldb + j] (or [j * ldb + p] when
    /// <paramref name="transB"/>); C is m x n, stored <paramref name="c"/>[i * ldc + j].
    /// </summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
        => Multiply(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, portable: false, narrow: false);

    static void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate, bool portable, bool narrow)
    {
        CheckOperand(transA, m, k, a.Length, lda, nameof(a));
        CheckOperand(transB, k, n, b.Length, ldb, nameof(b));
        CheckOperand(false, m, n, c.Length, ldc, nameof(c));
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            var g = Args(m, n, k, pc, ldc, accumulate);
            g.A = pa; g.Lda = lda; g.TransA = transA;
            g.B = pb; g.Ldb = ldb; g.TransB = transB;
            if (portable)
            {
                g.Kernel = &GemmMicroKernel.Portable6x16;
                g.UseFmaEdgeKernels = false;
            }
            if (portable || narrow)
                g.UseWideKernel = false;
            GemmDriver.Run(ref g);
        }
    }

    /// <summary><c>C (+)= A op(B)</c> with a pre-packed left operand A (m x k, from <see cref="PackedMatrix.PackLeft(bool, int, int, ReadOnlySpan{float}, int)"/>).</summary>
    public static void Multiply(PackedMatrix a, bool transB, int n, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        if (!a.IsLeftOperand) throw new ArgumentException("the matrix was packed as a right operand", nameof(a));
        int m = a.Rows, k = a.Columns;
        CheckOperand(transB, k, n, b.Length, ldb, nameof(b));
        CheckOperand(false, m, n, c.Length, ldc, nameof(c));
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            var g = Args(m, n, k, pc, ldc, accumulate);
            g.PackedA = a.Data; g.PackedAWidth = a.PaddedWidth;
            g.B = pb; g.Ldb = ldb; g.TransB = transB;
            GemmDriver.Run(ref g);
        }
        GC.KeepAlive(a);
    }

    /// <summary><c>C (+)= op(A) B</c> with a pre-packed right operand B (k x n, from <see cref="PackedMatrix.PackRight(bool, int, int, ReadOnlySpan{float}, int)"/>).</summary>
    public static void Multiply(bool transA, int m, ReadOnlySpan<float> a, int lda, PackedMatrix b, Span<float> c, int ldc, bool accumulate)
    {
        if (b.IsLeftOperand) throw new ArgumentException("the matrix was packed as a left operand", nameof(b));
        int k = b.Rows, n = b.Columns;
        CheckOperand(transA, m, k, a.Length, lda, nameof(a));
        CheckOperand(false, m, n, c.Length, ldc, nameof(c));
        fixed (float* pa = a)
        fixed (float* pc = c)
        {
            var g = Args(m, n, k, pc, ldc, accumulate);
            g.A = pa; g.Lda = lda; g.TransA = transA;
            g.PackedB = b.Data; g.PackedBWidth = b.PaddedWidth;
            GemmDriver.Run(ref g);
        }
        GC.KeepAlive(b);
    }

    /// <summary><c>C (+)= A B</c> with A as <paramref name="a"/> gives it (packed once, or block by block) and B k x n
    /// row-major with leading dimension <paramref name="ldb"/>; with <paramref name="rowBias"/> (m values, not with
    /// <paramref name="accumulate"/>), <c>C = A B + bias 1^T</c>; with <paramref name="rectify"/>, then <c>C = max(C, 0)</c>.</summary>
    internal static void Multiply(in LeftOperand a, int n, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate,
        ReadOnlySpan<float> rowBias = default, bool rectify = false)
    {
        CheckOperand(false, a.Columns, n, b.Length, ldb, nameof(b));
        fixed (float* pb = b)
        {
            var g = LeftArgs(a, n, c, ldc, accumulate);
            g.B = pb; g.Ldb = ldb;
            g.Rectify = rectify;
            Run(ref g, c, rowBias);
        }
    }

    /// <summary>
    /// <c>C (+)= A B</c> with A as <paramref name="a"/> gives it and a k x n right operand that is never stored:
    /// <paramref name="packB"/> writes each block of it straight into the packed layout (implicit im2col), from
    /// read-only <paramref name="context"/>.
    /// </summary>
    internal static void Multiply(in LeftOperand a, int n, delegate*<void*, int, int, int, int, float*, void> packB, void* context,
        Span<float> c, int ldc, bool accumulate, ReadOnlySpan<float> rowBias = default, bool rectify = false)
    {
        var g = LeftArgs(a, n, c, ldc, accumulate);
        g.PackBFrom = packB; g.PackBContext = context;
        g.Rectify = rectify;
        Run(ref g, c, rowBias);
    }

    static GemmArgs LeftArgs(in LeftOperand a, int n, Span<float> c, int ldc, bool accumulate)
    {
        CheckOperand(false, a.Rows, n, c.Length, ldc, nameof(c));
        var g = Args(a.Rows, n, a.Columns, null, ldc, accumulate);
        g.PackedA = a.Packed; g.PackedAWidth = a.PackedWidth;
        g.PackAFrom = a.PackFrom; g.PackAContext = a.Context;
        return g;
    }

    static void Run(ref GemmArgs g, Span<float> c, ReadOnlySpan<float> rowBias)
    {
        if (!rowBias.IsEmpty)
        {
            if (g.Accumulate)
                throw new ArgumentException("a row bias starts C afresh, so it cannot be combined with accumulate", nameof(rowBias));
            if (rowBias.Length < g.M)
                throw new ArgumentException($"the row bias has {rowBias.Length} values, want {g.M}", nameof(rowBias));
        }
        fixed (float* pc = c)
        fixed (float* pbias = rowBias)
        {
            g.C = pc;
            g.RowBias = pbias;
            GemmDriver.Run(ref g);
        }
    }

    /// <summary>
    /// <c>C = A B</c> on the calling thread alone, for kernels that already run one piece of work per thread: A (m x k)
    /// packed at <paramref name="packedA"/> (a <see cref="PackedMatrix"/>'s pinned panels, <paramref name="packedWidth"/>
    /// wide), B k x n and C m x n row-major and dense.
    /// </summary>
    internal static void MultiplyOnThisThread(float* packedA, int packedWidth, int m, int k, int n, float* b, float* c)
    {
        var g = Args(m, n, k, c, n, accumulate: false);
        g.PackedA = packedA; g.PackedAWidth = packedWidth;
        g.B = b; g.Ldb = n;
        GemmDriver.RunOnThisThread(ref g);
    }

    /// <summary>Whether the FMA micro-kernel is in use (else the portable Vector128 one).</summary>
    public static bool IsFmaAccelerated => Fma.IsSupported && Avx2.IsSupported;

    /// <summary>Whether full tiles run as the AVX-512 12x16 tile: the CPU has AVX-512 and the code was compiled for it
    /// (the JIT on such a CPU, or a Native-AOT build with <c>IlcInstructionSet=x86-64-v4</c>; not the default x86-64-v3
    /// one), and <c>PRUNEDLRP_AVX512</c> is not 0.</summary>
    public static bool UsesAvx512 => IsFmaAccelerated && GemmMicroKernel512.Enabled;

    /// <summary>Same as the first overload but with the portable micro-kernel, so tests cover it on FMA machines.</summary>
    internal static void MultiplyPortable(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
        => Multiply(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, portable: true, narrow: false);

    /// <summary>Same as the first overload but without the AVX-512 tile, so tests cover the Vector256 one on AVX-512 machines.</summary>
    internal static void MultiplyNarrow(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
        => Multiply(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, portable: false, narrow: true);

    static GemmArgs Args(int m, int n, int k, float* c, int ldc, bool accumulate)
    {
        bool fma = IsFmaAccelerated;
        return new GemmArgs
        {
            M = m, N = n, K = k, C = c, Ldc = ldc, Accumulate = accumulate,
            Kernel = fma ? &GemmMicroKernel.Fma6x16 : &GemmMicroKernel.Portable6x16,
            UseFmaEdgeKernels = fma,
            UseWideKernel = UsesAvx512,
        };
    }

    /// <summary>Checks that a rows x cols operand stored with leading dimension ld (transposed when trans) fits in length floats.</summary>
    internal static void CheckOperand(bool trans, int rows, int cols, int length, int ld, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows, name);
        ArgumentOutOfRangeException.ThrowIfNegative(cols, name);
        int storedRows = trans ? cols : rows, storedCols = trans ? rows : cols;
        if (storedRows == 0 || storedCols == 0) return;
        if (ld < storedCols)
            throw new ArgumentOutOfRangeException(name, $"leading dimension {ld} is less than the {storedCols} stored columns");
        long needed = (long)(storedRows - 1) * ld + storedCols;
        if (length < needed)
            throw new ArgumentException($"{name} has {length} floats, a {storedRows}x{storedCols} matrix with leading dimension {ld} needs {needed}", name);
    }
}
