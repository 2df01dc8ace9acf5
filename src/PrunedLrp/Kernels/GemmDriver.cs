using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static PrunedLrp.Kernels.GemmBlocking;

namespace PrunedLrp.Kernels;

/// <summary>
/// The blocked GEMM loops (Goto/BLIS order): for each NC column block and KC depth block, pack B once; for each MC row
/// block pack A (unless pre-packed); then sweep NR x MR register tiles with B's micro-panel hot in L1. A product whose
/// B is packed by a callback (a convolution's column matrix) and whose rows fit one MC block packs B panel by panel,
/// each swept as soon as it is written.
/// Large products split C into a few independent chunks (along N when it has enough panels, else along M) that the
/// calling thread and the kernel worker claim dynamically; they share nothing but the read-only operands.
/// </summary>
internal static unsafe class GemmDriver
{
    /// <summary>Below this many multiply-adds a second thread costs more (wake-up, cold caches) than it saves.</summary>
    const long ParallelThreshold = 1L << 20;

    /// <summary>From this many column panels a product splits along N even when it has more row panels: up to 8 chunks
    /// claimed dynamically, each packing only its own columns of B, instead of two fixed row halves that each pack all
    /// of B.</summary>
    /// <remarks>At 8 rather than 16, 14x14 outputs (13 panels) split along N. Measured with `quick-conv` (JIT, Vector256,
    /// two alternating rounds each): ResNet-50's 3x3 stride-2 layer to 14x14 (B packed from shifted planes, a gather)
    /// 1.59/1.56 against 1.70/1.67 ms in quiet minutes and 1.65-1.68 against 1.92-2.04 ms in busy ones, where the fixed
    /// halves wait for the slowed thread; the 1x1 layers at 14x14 level in quiet minutes (0.52-0.56 ms either way) and
    /// 2-5% quicker in busy ones. At 4 panels (7x7 outputs) splitting along N was 10-20% slower, so they keep row
    /// halves.</remarks>
    public const int SplitNPanels = 8;

    [ThreadStatic] static float[]? t_packA;
    [ThreadStatic] static float[]? t_packB;

    public static void Run(ref GemmArgs g)
    {
        if (g.M == 0 || g.N == 0) return;
        if (g.K == 0)
        {
            if (!g.Accumulate)
                for (int i = 0; i < g.M; i++) new Span<float>(g.C + (long)i * g.Ldc, g.N).Fill(g.RowBias == null ? 0f : g.RowBias[i]);
            if (g.Rectify)
                for (int i = 0; i < g.M; i++) RectifyRow(g.C + (long)i * g.Ldc, g.N);
            return;
        }
        int mPanels = (g.M + MR - 1) / MR, nPanels = (g.N + NR - 1) / NR;
        g.SplitN = nPanels >= mPanels || nPanels >= SplitNPanels;
        if ((long)g.M * g.N * g.K >= ParallelThreshold)
        {
            // Each chunk re-packs the operand it shares with the other chunks (all of A when splitting N) unless that
            // operand is pre-packed: then more, smaller chunks balance better for free. With re-packing, 2 chunks beat
            // 4 in 6 of 6 interleaved runs at 1024^3 (GFLOP per CPU-second 56-78 vs 52-68).
            bool repacks = g.SplitN ? g.PackedA == null : g.PackedB == null;
            g.Chunks = Math.Min(g.SplitN ? nPanels : mPanels, repacks ? 2 : 8);
            fixed (GemmArgs* p = &g)
                if (KernelWorker.TryRun(&RunChunk, p, g.Chunks)) return;
        }
        Block(ref g, 0, g.M, 0, g.N);
    }

    /// <summary><see cref="Run"/> without the second thread (the caller already runs one piece of work per thread).</summary>
    public static void RunOnThisThread(ref GemmArgs g)
    {
        if (g.M == 0 || g.N == 0 || g.K == 0)
        {
            Run(ref g); // the degenerate cases, which never reach the worker
            return;
        }
        Block(ref g, 0, g.M, 0, g.N);
    }

    static void RunChunk(void* context, int chunk)
    {
        ref GemmArgs g = ref Unsafe.AsRef<GemmArgs>(context);
        int m0 = 0, m1 = g.M, n0 = 0, n1 = g.N;
        if (g.SplitN) Split(g.N, NR, chunk, g.Chunks, out n0, out n1);
        else Split(g.M, MR, chunk, g.Chunks, out m0, out m1);
        if (m0 < m1 && n0 < n1) Block(ref g, m0, m1, n0, n1);
    }

    // Splits [0, length) into `parts` ranges on panel boundaries, as even in panels as possible.
    static void Split(int length, int panel, int part, int parts, out int start, out int end)
    {
        int panels = (length + panel - 1) / panel;
        start = Math.Min(length, (int)((long)panels * part / parts) * panel);
        end = Math.Min(length, (int)((long)panels * (part + 1) / parts) * panel);
    }

    static void Block(ref GemmArgs g, int m0, int m1, int n0, int n1)
    {
        float* packA = g.PackedA == null ? Buffer(ref t_packA, MC * KC) : null;
        // Sized for the whole product's width, not this chunk's: chunks are claimed dynamically, so a thread that so
        // far got only narrow chunks would otherwise grow its buffer (allocate) at some later call.
        float* packB = g.PackedB == null ? Buffer(ref t_packB, KC * Math.Min(NC, RoundUp(g.N, NR))) : null;
        for (int jc = n0; jc < n1; jc += NC)
        {
            int nc = Math.Min(NC, n1 - jc);
            for (int pc = 0, step = DepthStep(g.K); pc < g.K; pc += step)
            {
                int kc = Math.Min(step, g.K - pc);
                bool accumulate = g.Accumulate || pc > 0;
                float* bias = accumulate ? null : g.RowBias; // only the first depth block of a fresh C starts from it
                bool rectify = g.Rectify && pc + kc >= g.K;
                float* bp;
                if (g.PackedB != null)
                {
                    bp = g.PackedB + (long)pc * g.PackedBWidth + (long)jc * kc;
                }
                else if (g.PackBFrom != null && m1 - m0 <= MC && g.PackedA != null)
                {
                    // One row block: each B panel serves all of its row panels at once, so pack and use it panel by panel
                    // while it is in L1 rather than packing the whole block (up to 2 MB, past L2) first.
                    PanelByPanel(ref g, m0, m1, jc, nc, pc, kc, packB, accumulate, bias == null ? null : bias + m0, rectify);
                    continue;
                }
                else if (g.PackBFrom != null)
                {
                    g.PackBFrom(g.PackBContext, pc, kc, jc, nc, packB);
                    bp = packB;
                }
                else
                {
                    float* src = g.TransB ? g.B + (long)jc * g.Ldb + pc : g.B + (long)pc * g.Ldb + jc;
                    GemmPacking.PackB(src, g.Ldb, g.TransB, kc, nc, packB);
                    bp = packB;
                }
                for (int ic = m0; ic < m1; ic += MC)
                {
                    int mc = Math.Min(MC, m1 - ic);
                    float* ap;
                    if (g.PackedA != null)
                    {
                        ap = g.PackedA + (long)pc * g.PackedAWidth + (long)ic * kc;
                    }
                    else if (g.PackAFrom != null)
                    {
                        g.PackAFrom(g.PackAContext, pc, kc, ic, mc, packA);
                        ap = packA;
                    }
                    else
                    {
                        float* src = g.TransA ? g.A + (long)pc * g.Lda + ic : g.A + (long)ic * g.Lda + pc;
                        GemmPacking.PackA(src, g.Lda, g.TransA, mc, kc, packA);
                        ap = packA;
                    }
                    Macro(ref g, mc, nc, kc, ap, bp, g.C + (long)ic * g.Ldc + jc, accumulate, bias == null ? null : bias + ic, rectify);
                }
            }
        }
    }

    // Rows [m0, m1) (one MC block, A pre-packed) times columns [jc, jc + nc) of depth block pc: each pair of B panels
    // (the wide kernel's 32 columns) packed and swept at once. rowBias: rows [m0, m1) of it, as Macro takes it.
    static void PanelByPanel(ref GemmArgs g, int m0, int m1, int jc, int nc, int pc, int kc, float* packB, bool accumulate,
        float* rowBias, bool rectify)
    {
        float* ap = g.PackedA + (long)pc * g.PackedAWidth + (long)m0 * kc;
        float* c = g.C + (long)m0 * g.Ldc + jc;
        for (int jr = 0; jr < nc; jr += 2 * NR)
        {
            int width = Math.Min(2 * NR, nc - jr);
            g.PackBFrom(g.PackBContext, pc, kc, jc + jr, width, packB);
            Macro(ref g, m1 - m0, width, kc, ap, packB, c + jr, accumulate, rowBias, rectify);
        }
    }

    // rowBias (rows [ic, ic + mc) of GemmArgs.RowBias, or null): each tile starts from its rows' bias (added in registers
    // by the full tiles, set into C before the edge tiles).
    // rectify: the last depth block, so each finished tile gets max(c, 0) at once.
    static void Macro(ref GemmArgs g, int mc, int nc, int kc, float* ap, float* bp, float* c, bool accumulate, float* rowBias, bool rectify)
    {
        int ldc = g.Ldc;
        bool wide = g.UseWideKernel;
        for (int jr = 0; jr < nc;)
        {
            int nr = Math.Min(NR, nc - jr);
            float* b = bp + (long)jr * kc;
            int ir = 0;
            if (wide && nr == NR)
            {
                // Two full 16-column panels: 12 x 32 tiles (two row panels, two column panels) in the 512-bit kernel,
                // each broadcast of A feeding two FMAs; the rows left over below, panel by panel.
                if (jr + 2 * NR <= nc)
                {
                    for (; ir + 2 * MR <= mc; ir += 2 * MR)
                    {
                        float* a = ap + (long)ir * kc;
                        float* cc = c + (long)ir * ldc + jr;
                        GemmMicroKernel512.Fma12x32(kc, a, a + (long)MR * kc, b, b + (long)NR * kc, cc, ldc, accumulate,
                            rowBias == null ? null : rowBias + ir, rectify);
                    }
                    // The 1-11 rows left, a row panel at a time, still 512 bits wide.
                    for (; ir < mc; ir += MR)
                        GemmMicroKernel512.Fma6x32(kc, ap + (long)ir * kc, b, b + (long)NR * kc, c + (long)ir * ldc + jr, ldc,
                            Math.Min(MR, mc - ir), accumulate, rowBias == null ? null : rowBias + ir, rectify);
                    jr += 2 * NR;
                    continue;
                }
                // One full panel: two row panels at a time in the 12 x 16 tile.
                for (; ir + 2 * MR <= mc; ir += 2 * MR)
                {
                    float* a = ap + (long)ir * kc;
                    GemmMicroKernel512.Fma12x16(kc, a, a + (long)MR * kc, b, c + (long)ir * ldc + jr, ldc, accumulate,
                        rowBias == null ? null : rowBias + ir, rectify);
                }
            }
            RowPanels(ref g, ir, mc, kc, ap, b, c + jr, nr, accumulate, rowBias, rectify);
            jr += NR;
        }
    }

    // Row panels [ir, mc) of one column panel (nr columns at c, B's panel at b) in the MR-row kernels. Full tiles of the
    // FMA kernel take the bias and the ReLU in registers; the others get C set to the bias before and rectified after.
    static void RowPanels(ref GemmArgs g, int ir, int mc, int kc, float* ap, float* b, float* c, int nr, bool accumulate, float* rowBias,
        bool rectify)
    {
        int ldc = g.Ldc;
        for (; ir < mc; ir += MR)
        {
            int mr = Math.Min(MR, mc - ir);
            float* a = ap + (long)ir * kc;
            float* cc = c + (long)ir * ldc;
            float* bias = rowBias == null ? null : rowBias + ir;
            if (mr == MR && nr == NR && g.UseFmaEdgeKernels)
            {
                GemmMicroKernel.Fma6x16Fused(kc, a, b, cc, ldc, bias, accumulate, rectify);
                continue;
            }
            if (bias != null) FillTile(cc, ldc, mr, nr, bias);
            bool filled = accumulate || bias != null;
            if (mr == 1 && g.UseFmaEdgeKernels) GemmMicroKernel.Fma1x16(kc, a, b, cc, nr, filled);
            else if (nr <= 4 && g.UseFmaEdgeKernels) GemmMicroKernel.FmaColumns(kc, a, b, cc, ldc, mr, nr, filled);
            else if (nr <= 8 && g.UseFmaEdgeKernels) GemmMicroKernel.Fma6x8(kc, a, b, cc, ldc, mr, nr, filled);
            else g.Kernel(kc, a, b, cc, ldc, mr, nr, filled);
            if (rectify) RectifyTile(cc, ldc, mr, nr);
        }
    }

    // Sets rows x columns of C at c (columns <= NR) to each row's bias.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void FillTile(float* c, int ldc, int rows, int columns, float* bias)
    {
        for (int r = 0; r < rows; r++)
        {
            float* row = c + (long)r * ldc;
            if (columns == NR)
            {
                var value = Vector256.Create(bias[r]);
                value.Store(row);
                value.Store(row + 8);
            }
            else
            {
                for (int j = 0; j < columns; j++) row[j] = bias[r];
            }
        }
    }

    // max(c, 0) over rows x columns at c (columns <= NR); Vector256.Max as TensorPrimitives.Max: NaN stays, -0 becomes +0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void RectifyTile(float* c, int ldc, int rows, int columns)
    {
        for (int r = 0; r < rows; r++)
        {
            float* row = c + (long)r * ldc;
            if (columns == NR)
            {
                Vector256.Max(Vector256.Load(row), Vector256<float>.Zero).Store(row);
                Vector256.Max(Vector256.Load(row + 8), Vector256<float>.Zero).Store(row + 8);
            }
            else
            {
                RectifyRow(row, columns);
            }
        }
    }

    static void RectifyRow(float* row, int length)
    {
        var span = new Span<float>(row, length);
        TensorPrimitives.Max(span, 0f, span);
    }

    // Per-thread packing buffer (pinned, 64-byte aligned), grown on demand and then reused by every call.
    static float* Buffer(ref float[]? array, int floats)
    {
        if (array == null || array.Length < floats + 16)
            array = GC.AllocateUninitializedArray<float>(floats + 16, pinned: true);
        return (float*)(((nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array)) + 63) & ~(nint)63);
    }
}
