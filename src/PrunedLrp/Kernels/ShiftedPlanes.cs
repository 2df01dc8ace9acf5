using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static PrunedLrp.Kernels.GemmBlocking;

namespace PrunedLrp.Kernels;

/// <summary>
/// The column matrix of a strided convolution read from copies of the input made once per call: for each input
/// channel c, row phase a (the input rows <c>ih = i*sh + a - pt</c>) and kernel column v, the plane
/// <c>Q[c, a, v][i, q] = x[c, i*sh + a - pt, q*sw + v*dw - pl]</c> (0 outside the input), oW columns wide. Then row
/// <c>(c, u, v)</c> of the column matrix is the run of Q[c, u mod sh, v] starting at row <c>u div sh</c>: contiguous
/// over all output positions, across output rows too, so a 16-column panel packs with two vector copies.
/// </summary>
/// <remarks>
/// <see cref="ImplicitColumns"/> packs each row of a panel from one to three clipped, stride-2 runs of the input with
/// a scalar set-up per run. On ResNet-50's stem and 3x3 stride-2 layers that packing took 0.28-0.69 ms of one
/// thread, against 1.4-1.9 ms for the whole layer on two; from the planes it takes 0.04-0.21 ms
/// (bench/results/strided-columns.md). The planes hold kW x min(sh, kH) / (sh sw) times the input (1.5x for a 3x3
/// stride-2 convolution), written in one pass split over the kernel threads by channel. Vertical dilation must be 1
/// (rows of phase a then serve every tap u = a mod sh).
/// </remarks>
internal unsafe struct ShiftedPlanes
{
    public float* Planes; // [channels, phases, kW, PhaseRows, OutWidth], then Slack floats that partial panels read
    public int Channels, Phases, KernelHeight, KernelWidth, StrideHeight, PhaseRows, OutWidth;

    // Source of the build (one sample's channels).
    float* _image;
    int _inHeight, _inWidth, _strideWidth, _dilationWidth, _padTop, _padLeft;

    /// <summary>Floats a partial last panel may read past the last plane (its copies are 16 wide; the extra is zeroed after).</summary>
    const int Slack = NR;

    /// <summary>Channel ranges the two kernel threads claim while building.</summary>
    const int BuildChunks = 8;

    /// <summary>Below this many plane floats one thread builds them all (a second thread's wake-up costs more).</summary>
    const int ParallelFloats = 1 << 15;

    /// <summary>Whether the forward column matrix of <paramref name="s"/> is read from shifted planes: strided (1x1
    /// stride-2 downsampling included), with vertical dilation 1 and planes of at most 16 MB.</summary>
    public static bool Applies(in ConvShape s) =>
        (s.StrideHeight > 1 || s.StrideWidth > 1) && s.DilationHeight == 1 && s.OutHeight > 0 && s.OutWidth > 0
        && LengthFor(s, s.InChannels / s.Groups) <= MaxFloats;

    /// <summary>Largest planes (16 MB): a long strided 1-D layer would need kW / sw times its input (a 1 Mb sequence,
    /// 64 channels, kernel 9: 1.2 GB), so those keep packing from the input itself.</summary>
    const long MaxFloats = 1 << 22;

    /// <summary>Floats of the planes of <paramref name="channels"/> input channels under <paramref name="s"/> (with the slack).</summary>
    public static long LengthFor(in ConvShape s, int channels) =>
        (long)channels * PhasesOf(s) * s.KernelWidth * PhaseRowsOf(s) * s.OutWidth + Slack;

    static int PhasesOf(in ConvShape s) => Math.Min(s.StrideHeight, s.KernelHeight);

    // Rows of each phase plane: the output rows plus the furthest shift u div sh a tap reads below them.
    static int PhaseRowsOf(in ConvShape s) => s.OutHeight + (s.KernelHeight - 1) / s.StrideHeight;

    /// <summary>Builds the planes of the <paramref name="channels"/> channels at <paramref name="image"/> into
    /// <paramref name="planes"/> (<see cref="LengthFor"/> floats), on both kernel threads when large.</summary>
    public static ShiftedPlanes Build(in ConvShape s, float* image, int channels, float* planes)
    {
        var q = new ShiftedPlanes
        {
            Planes = planes, Channels = channels, Phases = PhasesOf(s), KernelHeight = s.KernelHeight, KernelWidth = s.KernelWidth,
            StrideHeight = s.StrideHeight, PhaseRows = PhaseRowsOf(s), OutWidth = s.OutWidth,
            _image = image, _inHeight = s.InHeight, _inWidth = s.InWidth, _strideWidth = s.StrideWidth, _dilationWidth = s.DilationWidth,
            _padTop = s.PadTop, _padLeft = s.PadLeft,
        };
        long length = LengthFor(s, channels);
        int chunks = Math.Min(channels, BuildChunks);
        if (length < ParallelFloats || !KernelWorker.TryRun(&BuildChunk, &q, chunks))
            q.BuildChannels(0, channels);
        new Span<float>(planes + length - Slack, Slack).Clear(); // read by partial panels, zeroed there: finite all the same
        return q;
    }

    static void BuildChunk(void* context, int chunk)
    {
        ref var q = ref *(ShiftedPlanes*)context;
        int chunks = Math.Min(q.Channels, BuildChunks);
        q.BuildChannels(q.Channels * chunk / chunks, q.Channels * (chunk + 1) / chunks);
    }

    readonly void BuildChannels(int c0, int c1)
    {
        long plane = (long)PhaseRows * OutWidth, inPlane = (long)_inHeight * _inWidth;
        for (int c = c0; c < c1; c++)
        {
            float* channel = _image + c * inPlane;
            for (int a = 0; a < Phases; a++)
            for (int v = 0; v < KernelWidth; v++)
            {
                float* d = Planes + ((long)(c * Phases + a) * KernelWidth + v) * plane;
                int iw = v * _dilationWidth - _padLeft;
                for (int i = 0; i < PhaseRows; i++, d += OutWidth)
                {
                    int ih = i * StrideHeight + a - _padTop;
                    if ((uint)ih >= (uint)_inHeight)
                        new Span<float>(d, OutWidth).Clear();
                    else
                        ClippedRows.Gather(channel + (long)ih * _inWidth, _inWidth, iw, _strideWidth, OutWidth, d);
                }
            }
        }
    }

    /// <summary>Packs rows [pc, pc+kc) and columns [jc, jc+nc) of the column matrix (GEMM <c>PackBFrom</c> callback).</summary>
    [SkipLocalsInit]
    public static void Pack(void* context, int pc, int kc, int jc, int nc, float* dst)
    {
        ref readonly var q = ref *(ShiftedPlanes*)context;
        int area = q.KernelHeight * q.KernelWidth;
        long plane = (long)q.PhaseRows * q.OutWidth;
        for (int jr = 0; jr < nc; jr += NR, dst += (long)kc * NR)
        {
            int cols = Math.Min(NR, nc - jr);
            int c = pc / area, u = (pc - c * area) / q.KernelWidth, v = pc - c * area - u * q.KernelWidth;
            // Row (c, u, v) starts at plane (c, u mod sh, v), row u div sh: kept as a running offset, no division per row.
            int a = u % q.StrideHeight;
            long shift = (long)(u / q.StrideHeight) * q.OutWidth;
            float* channel = q.Planes + (long)c * q.Phases * q.KernelWidth * plane + jc + jr;
            float* d = dst;
            for (int p = 0; p < kc; p++, d += NR)
            {
                float* source = channel + (a * q.KernelWidth + v) * plane + shift;
                Vector256.Store(Vector256.Load(source), d);
                Vector256.Store(Vector256.Load(source + 8), d + 8);
                for (int t = cols; t < NR; t++) d[t] = 0f;
                if (++v < q.KernelWidth) continue;
                v = 0;
                if (++a == q.StrideHeight) { a = 0; shift += q.OutWidth; }
                if (++u < q.KernelHeight) continue;
                (u, a, shift) = (0, 0, 0);
                channel += q.Phases * q.KernelWidth * plane;
            }
        }
    }
}
