using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static PrunedLrp.Kernels.GemmBlocking;

namespace PrunedLrp.Kernels;

internal sealed unsafe partial class Winograd3x3
{
    /// <summary>Floats from one packed U_ξ to the next in the caller's kernels: U_ξ's panels, rounded to a cache line,
    /// and one line more, so that the (m + 2)^2 streams <see cref="PrepareKernels(float*, WeightMap, float*)"/> writes fall in different L1 sets
    /// (the same reason as <see cref="Plane"/>).</summary>
    internal static long KernelStride(int inChannels, int outChannels) =>
        RoundUp(RoundUp(outChannels, MR) * inChannels, 16) + PlaneSkew;

    /// <summary>The floats <see cref="PrepareKernels(float*, WeightMap, float*)"/> writes: every packed U_ξ, and 16 of slack to start them on a
    /// cache line.</summary>
    public static long KernelFloatsFor(int inChannels, int outChannels, int outputTile) =>
        (long)(outputTile + 2) * (outputTile + 2) * KernelStride(inChannels, outChannels) + 16;

    /// <summary><see cref="KernelFloatsFor"/> of this convolution.</summary>
    public long KernelFloats => KernelFloatsFor(_inChannels, _outChannels, _tile);

    /// <summary>Where the first U_ξ starts in the kernels at <paramref name="kernels"/>: the next cache line.</summary>
    internal static float* AlignedKernels(float* kernels) => (float*)(((nint)kernels + 63) & ~(nint)63);

    /// <summary>
    /// Writes the transformed kernels of <c>map(w)</c> (w [outC, inC, 3, 3]) at <paramref name="kernels"/>
    /// (<see cref="KernelFloats"/> floats), each U_ξ packed as the left operand of its product
    /// (<see cref="PackedMatrix.PackLeft(bool, int, int, ReadOnlySpan{float}, int)"/>'s layout), <see cref="KernelStride"/> floats apart. The constructor keeps its
    /// own kernels this way, so the lean mode's per-call kernels give the same bits.
    /// </summary>
    /// <remarks>One pass over the weights, on both kernel threads (by row panels of U). The MR kernels of a row panel
    /// and input channel are mapped and transformed together, one per lane (the scalar transform's operations, lane by
    /// lane), and their (m + 2)^2 values go straight to their packed places, so each U_ξ is written in order.</remarks>
    public void PrepareKernels(float* weight, WeightMap map, float* kernels) =>
        PrepareKernels(weight, _inChannels * 9, 9, flipped: false, map, kernels);

    /// <summary>
    /// <see cref="PrepareKernels(float*, WeightMap, float*)"/> with the kernel of output channel o and input channel c
    /// read at <c>weight + o * rowStride + c * columnStride</c>, its 9 taps in order or, <paramref name="flipped"/>,
    /// reversed: with <c>rowStride = 9</c>, <c>columnStride = 9 inC</c> and flipped, the kernel of the transposed
    /// convolution, <c>W'[c, o, u, v] = W[o, c, 2 - u, 2 - v]</c>, straight from W [outC, inC, 3, 3].
    /// </summary>
    public void PrepareKernels(float* weight, int rowStride, int columnStride, bool flipped, WeightMap map, float* kernels)
    {
        int panels = RoundUp(_outChannels, MR) / MR;
        var job = new KernelJob
        {
            Weight = weight, Kernels = AlignedKernels(kernels), Map = map, InChannels = _inChannels, OutChannels = _outChannels,
            Tile = _tile, Elements = _elements, Stride = KernelStride(_inChannels, _outChannels), Panels = panels,
            Parts = Math.Min(panels, 8), RowStride = rowStride, ColumnStride = columnStride, Flipped = flipped,
        };
        if (!KernelWorker.TryRun(&KernelChunk, &job, job.Parts))
            for (int part = 0; part < job.Parts; part++) KernelChunk(&job, part);
    }

    struct KernelJob
    {
        public float* Weight, Kernels;
        public WeightMap Map;
        public int InChannels, OutChannels, Tile, Elements, Panels, Parts, RowStride, ColumnStride;
        public long Stride;
        public bool Flipped;
    }

    // Row panels [Panels * part / Parts, Panels * (part + 1) / Parts) of every U_ξ. The MR kernels (o, c) of a panel's
    // column c are gathered and transformed together, one per lane, and each U_ξ gets them in one store; lanes past the
    // panel's rows, and rows past outC, are zero, as packing pads them.
    static void KernelChunk(void* context, int part)
    {
        ref var j = ref *(KernelJob*)context;
        var g = stackalloc Vector256<float>[9];
        var u = stackalloc Vector256<float>[36];
        var sixLanes = Vector256.Create(-1, -1, -1, -1, -1, -1, 0, 0).AsSingle(); // MR = 6
        var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        int width = RoundUp(j.OutChannels, MR), step = DepthStep(j.InChannels);
        for (int panel = j.Panels * part / j.Parts, end = j.Panels * (part + 1) / j.Parts; panel < end; panel++)
        {
            int rows = Math.Min(MR, j.OutChannels - panel * MR);
            var inPanel = Vector256.LessThan(lane, Vector256.Create(rows));
            var valid = inPanel.AsSingle() & sixLanes;
            float* panelWeights = j.Weight + (long)panel * MR * j.RowStride;
            // Lane r reads row panel * MR + r of w; lanes past the rows read row 0 of the panel (in bounds) and are masked.
            long r1 = rows > 1 ? j.RowStride : 0, r2 = rows > 2 ? 2L * j.RowStride : 0, r3 = rows > 3 ? 3L * j.RowStride : 0;
            long r4 = rows > 4 ? 4L * j.RowStride : 0, r5 = rows > 5 ? 5L * j.RowStride : 0;
            for (int pc = 0; pc < j.InChannels; pc += step)
            {
                int kc = Math.Min(step, j.InChannels - pc);
                // Depth block pc of a packed left operand: its row panels one after another, each kc steps of MR floats.
                float* block = j.Kernels + (long)pc * width + (long)panel * MR * kc;
                for (int c = pc; c < pc + kc; c++)
                {
                    float* source = panelWeights + (long)c * j.ColumnStride;
                    KernelTaps.Load(source, source + r1, source + r2, source + r3, source + r4, source + r5, j.Flipped, g);
                    for (int t = 0; t < 9; t++)
                        g[t] = j.Map.Apply(g[t]);
                    if (j.Tile == 2) WinogradTransforms.Kernel(g, u);
                    else WinogradTransforms4.Kernel(g, u);
                    float* at = block + (long)(c - pc) * MR;
                    if (c + 1 < pc + kc)
                    {
                        // 8 lanes: the last 2 land on the next column's first 2 rows, which its own store then writes.
                        for (int xi = 0; xi < j.Elements; xi++)
                            (u[xi] & valid).Store(at + xi * j.Stride);
                    }
                    else
                    {
                        // The block's last column ends where the next row panel (maybe the other thread's) starts.
                        for (int xi = 0; xi < j.Elements; xi++)
                            Avx.MaskStore(at + xi * j.Stride, sixLanes, u[xi] & valid);
                    }
                }
            }
        }
    }
}
