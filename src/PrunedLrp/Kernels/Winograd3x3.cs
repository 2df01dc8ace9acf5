using System.Runtime.Intrinsics.X86;

namespace PrunedLrp.Kernels;

/// <summary>
/// A 3x3, stride-1, undilated, ungrouped convolution by Winograd's F(m x m, 3x3) with output tiles of m = 2 or 4:
/// (m+2)^2 products of the transformed kernel U_ξ [outC, inC] with the transformed input tiles V_ξ [inC, tiles]
/// replace the 9 m^2 per tile of the direct method, <c>y = A^T [U . V] A + b</c> (see <see cref="WinogradTransforms"/>
/// and <see cref="WinogradTransforms4"/>): 2.25x fewer multiply-adds with m = 2, 4x with m = 4. F(2x2, 3x3)'s
/// transforms only add, subtract and halve, so its results agree with the direct sum to a few float rounding steps;
/// F(4x4, 3x3)'s scale by up to 8 and 1/24, which costs about a decimal digit more (see <see cref="ConvOperator"/>).
/// </summary>
/// <remarks>
/// Tiles are processed in blocks of whole tile rows; each product is a <see cref="Gemm"/> call with U_ξ packed once
/// here. Two schedules, by the size of the transformed kernels U (all (m+2)^2 of them) and the number of tile rows:
/// <list type="bullet">
/// <item>Small U (at most <see cref="ThreadBlockKernelFloats"/>) and at least <see cref="ThreadBlockTileRows"/> tile
/// rows (the early layers of image CNNs: few channels, large images) — thread blocks: each kernel thread takes whole
/// blocks of about <see cref="ThreadBlockFloats"/> floats of V and M and runs their input transform, products and
/// output transform itself, so V and M stay in its cache between the three steps and U (read once per block) stays in
/// the shared cache. With one shared block of 16 MB these layers streamed V and M through memory three times and spent
/// more time in the transforms than in the products.</item>
/// <item>Large U (hundreds of channels), or few tile rows — shared blocks: V and M of a block take at most about 16 MB
/// of scratch, so that U is read as few times as possible; the transforms split channels over the two kernel threads,
/// and the products go whole to either thread.</item>
/// </list>
/// Each element's plane of V or M is one cache line longer than its data (see <see cref="Plane"/>).
/// Pads may be any integers (also negative), so the same class serves the transposed convolution of
/// <see cref="ConvOperator.BackwardData"/>.
/// </remarks>
internal sealed unsafe partial class Winograd3x3
{
    const int DefaultBlockFloats = 4 << 20;
    const int Chunks = 8;

    /// <summary>The largest U (floats, all transformed elements) that runs in thread blocks (see remarks): 6 MB, as
    /// 64 -> 64, 64 -> 128, 128 -> 128 and 128 -> 256 channels at F(4x4, 3x3).</summary>
    /// <remarks>Measured on VGG-16 (interleaved A/B, 3 rounds): explain 7% faster with this bound than with none; 3M
    /// floats (adding 256-channel layers) and blocks of 0.75M or 3M floats were no better.</remarks>
    public const int ThreadBlockKernelFloats = 3 << 19;

    /// <summary>The fewest tile rows that run in thread blocks: with 7, the two threads got blocks of 4 and 3 tile rows
    /// (one idle a seventh of the time) and each read all of U.</summary>
    /// <remarks>Measured on ResNet-50 (JIT, Vector256, three alternating rounds, the layers in the forward pass): its five
    /// 256-channel 14x14 layers (F(2x2), 7 tile rows) took 3.63-4.13 ms in shared blocks against 4.95-5.59 in thread
    /// blocks, its three 128-channel 28x28 layers (F(4x4), 7 tile rows) 1.65-1.87 against 1.87-2.35 ms; its 64-channel
    /// 56x56 layers (14 tile rows, two blocks of 7) were quicker in thread blocks (1.98-2.03 against 2.16-2.27 ms).</remarks>
    public const int ThreadBlockTileRows = 8;

    /// <summary>V and M floats of one thread block (6 MB: a few tile rows of VGG-16's first layers, so that each of
    /// the two threads gets several blocks and their data stays in the shared L3).</summary>
    public const int ThreadBlockFloats = 3 << 19;

    readonly PinnedFloats _kernels; // as PrepareKernels writes them; empty when each Run is given its own
    readonly int _tile, _elements; // m, and (m + 2)^2 transformed elements per tile
    readonly int _inChannels, _outChannels, _inHeight, _inWidth, _outHeight, _outWidth, _padTop, _padLeft;
    readonly int _tileRows, _tileColumns, _blockRows, _rowLength;
    readonly bool _threadBlocks;

    // PRUNEDLRP_WINOGRAD=0 keeps every convolution on the direct sum (bit-for-bit the im2col order; A/B timing).
    static readonly bool s_enabled = Environment.GetEnvironmentVariable("PRUNEDLRP_WINOGRAD") != "0";

    // PRUNEDLRP_WINOGRAD_TILE=2 keeps every product on F(2x2, 3x3) (A/B timing and accuracy).
    static readonly bool s_largeTiles = Environment.GetEnvironmentVariable("PRUNEDLRP_WINOGRAD_TILE") != "2";

    /// <summary>The output tile for an output of <paramref name="outHeight"/> x <paramref name="outWidth"/>: 4 (F(4x4, 3x3),
    /// 4x fewer multiply-adds than the direct sum) where it is at least 16x16, else 2 (F(2x2, 3x3), 2.25x).</summary>
    /// <remarks>Below 16x16 the larger tiles gain nothing at batch 1: a 14x14 output takes 16 tiles covering 256
    /// positions, the products are too narrow to hide the reads of transformed kernels 4x the weights (F(2x2): 16/9x),
    /// and the transposed products ran twice as long. Measured with 8x8 as the bound and with 16x16, interleaved: the
    /// same forward and explain times on VGG-16 and ResNet-50, and 51-121 MB less peak memory (their 14x14 layers).</remarks>
    public static int TileFor(int outHeight, int outWidth) => s_largeTiles && outHeight >= 16 && outWidth >= 16 ? 4 : 2;

    /// <summary>Whether <paramref name="s"/> is the geometry these transforms compute: 3x3, stride 1, undilated, one group.</summary>
    public static bool IsPlain3x3(in ConvShape s) =>
        s is { Groups: 1, KernelHeight: 3, KernelWidth: 3, StrideHeight: 1, StrideWidth: 1, DilationHeight: 1, DilationWidth: 1 };

    /// <summary>Whether the transforms' AVX2 code runs on this CPU and the channel counts make the products worth it.</summary>
    public static bool Applies(int inChannels, int outChannels, int outHeight, int outWidth) =>
        s_enabled && Avx2.IsSupported && inChannels >= 16 && outChannels >= 16 && outHeight >= 4 && outWidth >= 4;

    /// <summary>
    /// Prepares <c>y[o, p, q] = b[o] + sum_{c, u, v} x[c, p - padTop + u, q - padLeft + v] w[o, c, u, v]</c> (x = 0
    /// outside [inHeight, inWidth]) for p &lt; outHeight, q &lt; outWidth, with w [outC, inC, 3, 3].
    /// </summary>
    public Winograd3x3(int inChannels, int outChannels, int inHeight, int inWidth, int outHeight, int outWidth,
        int padTop, int padLeft, ReadOnlySpan<float> weight, int blockFloats = 0, int outputTile = 2, bool? threadBlocks = null)
        : this(inChannels, outChannels, inHeight, inWidth, outHeight, outWidth, padTop, padLeft, blockFloats, outputTile, threadBlocks)
    {
        if (weight.Length != outChannels * inChannels * 9)
            throw new ArgumentException($"weight has {weight.Length} values, want {outChannels * inChannels * 9}", nameof(weight));
        // Kept in pinned memory of the form arena (an array of its own, or a shared block), written by the code that
        // writes the lean mode's kernels at every call.
        _kernels = FormArena.Rent(checked((int)KernelFloats));
        fixed (float* w = weight)
            PrepareKernels(w, WeightMap.Identity, _kernels.Pointer);
    }

    /// <summary>
    /// The same convolution without transformed kernels of its own: each <see cref="Run(float*, float*, float*, float*, bool, float*)"/>
    /// reads them from the caller's memory, where <see cref="PrepareKernels(float*, WeightMap, float*)"/> writes them from the weights (the lean
    /// memory mode, which keeps nothing but the model's weights).
    /// </summary>
    public static Winograd3x3 WithKernelsPerCall(int inChannels, int outChannels, int inHeight, int inWidth, int outHeight, int outWidth,
        int padTop, int padLeft, int outputTile = 2) =>
        new(inChannels, outChannels, inHeight, inWidth, outHeight, outWidth, padTop, padLeft, 0, outputTile, null);

    Winograd3x3(int inChannels, int outChannels, int inHeight, int inWidth, int outHeight, int outWidth,
        int padTop, int padLeft, int blockFloats, int outputTile, bool? threadBlocks)
    {
        if (outputTile is not (2 or 4))
            throw new ArgumentOutOfRangeException(nameof(outputTile), outputTile, "F(2x2, 3x3) or F(4x4, 3x3)");
        if (!Avx2.IsSupported)
            throw new PlatformNotSupportedException("the Winograd transforms need AVX2 (ConvOperator checks Applies first)");
        _tile = outputTile;
        _elements = (outputTile + 2) * (outputTile + 2);
        (_inChannels, _outChannels, _inHeight, _inWidth) = (inChannels, outChannels, inHeight, inWidth);
        (_outHeight, _outWidth, _padTop, _padLeft) = (outHeight, outWidth, padTop, padLeft);
        _tileRows = Tiles(outHeight, _tile);
        _tileColumns = Tiles(outWidth, _tile);
        _threadBlocks = threadBlocks ?? UsesThreadBlocks(inChannels, outChannels, outHeight, outputTile);
        _blockRows = BlockRows(inChannels, outChannels, outHeight, outWidth, blockFloats > 0 ? blockFloats : DefaultBlock(_threadBlocks), _tile, _threadBlocks);
        _rowLength = RowLength(outWidth, _tile);
    }

    /// <summary>Whether a convolution with these channels and output height runs in thread blocks (U small enough and
    /// enough tile rows, see remarks).</summary>
    public static bool UsesThreadBlocks(int inChannels, int outChannels, int outHeight, int outputTile) =>
        (long)(outputTile + 2) * (outputTile + 2) * inChannels * outChannels <= ThreadBlockKernelFloats
        && Tiles(outHeight, outputTile) >= ThreadBlockTileRows;

    static int DefaultBlock(bool threadBlocks) => threadBlocks ? ThreadBlockFloats : DefaultBlockFloats;

    /// <summary>Scratch floats one <see cref="Run(float*, float*, float*, float*, bool)"/> needs: V and M of a block, 8 floats of slack, and padded input rows.</summary>
    public int ScratchLength => ScratchFloats(_inChannels, _outChannels, _outWidth, _blockRows, _tile, _threadBlocks);

    /// <summary><see cref="ScratchLength"/> of the convolution with these sizes, before (or without) preparing it.</summary>
    public static int ScratchLengthFor(int inChannels, int outChannels, int outHeight, int outWidth, int outputTile = 2)
    {
        bool threadBlocks = UsesThreadBlocks(inChannels, outChannels, outHeight, outputTile);
        return ScratchFloats(inChannels, outChannels, outWidth,
            BlockRows(inChannels, outChannels, outHeight, outWidth, DefaultBlock(threadBlocks), outputTile, threadBlocks), outputTile, threadBlocks);
    }

    // Shared blocks: one V and M, and padded rows for each transform chunk. Thread blocks: one area a thread.
    static int ScratchFloats(int inChannels, int outChannels, int outWidth, int blockRows, int tile, bool threadBlocks)
    {
        long area = AreaFloats(inChannels, outChannels, outWidth, blockRows, tile, threadBlocks ? 1 : Chunks);
        return checked((int)(threadBlocks ? 2 * area : area));
    }

    // V and M of a block, 8 floats of slack, and `rowSets` sets of a block's padded input rows.
    static long AreaFloats(int inChannels, int outChannels, int outWidth, int blockRows, int tile, int rowSets) =>
        RowsOffset(inChannels, outChannels, Tiles(outWidth, tile), blockRows, tile) + (long)rowSets * RowSetFloats(blockRows, tile, RowLength(outWidth, tile));

    // The padded input rows of one channel's block of tile rows: m per tile row, and the 2 more the last one reads.
    static long RowSetFloats(int blockRows, int tile, int rowLength) => (long)(tile * blockRows + 2) * rowLength;

    // Where the padded input rows start in an area: after V and M of a full block and 8 floats of slack.
    static long RowsOffset(int inChannels, int outChannels, int tileColumns, int blockRows, int tile) =>
        (long)(tile + 2) * (tile + 2) * (Plane(inChannels, blockRows * tileColumns) + Plane(outChannels, blockRows * tileColumns)) + 8;

    /// <summary>Floats from V_ξ (or M_ξ) to the next element's: its channels x tiles, and one cache line more.</summary>
    /// <remarks>The transforms write (input) or read (output) all (m + 2)^2 elements of each group of 8 tiles at once. With
    /// planes a multiple of 4 KB apart (VGG-16's 256 channels x 196 tiles), those 36 streams all fell in one set of the
    /// 12-way L1 and evicted each other at every group; the extra line puts each in a set of its own.</remarks>
    static long Plane(int channels, int tiles) => (long)channels * tiles + PlaneSkew;

    const int PlaneSkew = 16;

    // Whole tile rows per block: as many as keep V and M within blockFloats, at least one; thread blocks take at most
    // half the tile rows, so that a small image still gives each thread a block.
    static int BlockRows(int inChannels, int outChannels, int outHeight, int outWidth, int blockFloats, int tile, bool threadBlocks)
    {
        long perRow = (long)(tile + 2) * (tile + 2) * (inChannels + outChannels) * Tiles(outWidth, tile);
        int tileRows = Tiles(outHeight, tile);
        return (int)Math.Clamp(blockFloats / perRow, 1, threadBlocks ? (tileRows + 1) / 2 : tileRows);
    }

    // Tiles of m outputs covering `size` outputs (the last one partial).
    static int Tiles(int size, int tile) => (size + tile - 1) / tile;

    // A padded input row: m columns per tile, 8-tile groups rounded up, and 8 floats for the last group's overreach
    // (F(2x2, 3x3) reads 18 floats from 2 tx0, F(4x4, 3x3) 36 from 4 tx0).
    static int RowLength(int outWidth, int tile) => tile * GemmBlocking.RoundUp(Tiles(outWidth, tile), 8) + 8;

    /// <summary>y = conv(x) (+ bias when <paramref name="bias"/> is not null) for one sample; with
    /// <paramref name="rectify"/>, max(y, 0) (a following ReLU, applied as the output transform writes y).</summary>
    public void Run(float* x, float* bias, float* y, float* scratch, bool rectify = false)
    {
        if (_kernels.Length == 0)
            throw new InvalidOperationException("this convolution keeps no kernels: pass them (WithKernelsPerCall, PrepareKernels)");
        Run(x, bias, y, scratch, rectify, _kernels.Pointer);
        GC.KeepAlive(this); // the kernels' (possibly shared) block lives as long as this operator
    }

    /// <summary><see cref="Run(float*, float*, float*, float*, bool)"/> with the transformed kernels that
    /// <see cref="PrepareKernels(float*, WeightMap, float*)"/> wrote at <paramref name="kernels"/> (<see cref="KernelFloats"/> floats).</summary>
    public void Run(float* x, float* bias, float* y, float* scratch, bool rectify, float* kernels)
    {
        float** u = stackalloc float*[_elements];
        float* first = AlignedKernels(kernels);
        long stride = KernelStride(_inChannels, _outChannels);
        for (int xi = 0; xi < _elements; xi++)
            u[xi] = first + xi * stride;
        var job = new Job
        {
            InChannels = _inChannels, OutChannels = _outChannels, InHeight = _inHeight, InWidth = _inWidth,
            OutHeight = _outHeight, OutWidth = _outWidth, PadTop = _padTop, PadLeft = _padLeft,
            TileColumns = _tileColumns, RowLength = _rowLength, Tile = _tile,
            X = x, Y = y, Bias = bias, Rectify = rectify,
            V = scratch,
            Rows = scratch + RowsOffset(_inChannels, _outChannels, _tileColumns, _blockRows, _tile),
            BlockRows = _blockRows,
            U = u, UWidth = GemmBlocking.RoundUp(_outChannels, GemmBlocking.MR),
        };
        if (_threadBlocks)
        {
            job.TileRows = _tileRows;
            job.Area = AreaFloats(_inChannels, _outChannels, _outWidth, _blockRows, _tile, 1);
            if (!KernelWorker.TryRun(&ThreadBlocks, &job, 2))
                ThreadBlocks(&job, 0);
            return;
        }
        for (int ty0 = 0; ty0 < _tileRows; ty0 += _blockRows)
        {
            job.TileRow0 = ty0;
            job.TileRow1 = Math.Min(_tileRows, ty0 + _blockRows);
            int tiles = (job.TileRow1 - ty0) * _tileColumns;
            job.Tiles = tiles;
            job.M = scratch + _elements * Plane(_inChannels, tiles);
            RunSplit(&InputChunk, ref job, _inChannels);
            RunProducts(ref job);
            RunSplit(&OutputChunk, ref job, _outChannels);
        }
    }

    // The (m + 2)^2 products of a shared block, whole ones on each thread: one hand-over to the kernel worker for all of
    // them, and each product's B packed once, instead of every product split over both threads (each waiting for the
    // slower half, and, when the product is split along M, as for 7x7 and 14x14 outputs, each half packing all of B).
    void RunProducts(ref Job job)
    {
        fixed (Job* p = &job)
        {
            if (!KernelWorker.TryRun(&Product, p, _elements))
                for (int xi = 0; xi < _elements; xi++) Product(p, xi);
        }
    }

    // M_ξ = U_ξ V_ξ of a block, on the calling thread.
    static void Product(void* context, int xi)
    {
        ref var j = ref *(Job*)context;
        long vPlane = Plane(j.InChannels, j.Tiles), mPlane = Plane(j.OutChannels, j.Tiles);
        Gemm.MultiplyOnThisThread(j.U[xi], j.UWidth, j.OutChannels, j.InChannels, j.Tiles, j.V + xi * vPlane, j.M + xi * mPlane);
    }

    // Everything a chunk needs, unmanaged so that it can sit on the stack behind a pointer.
    struct Job
    {
        public int InChannels, OutChannels, InHeight, InWidth, OutHeight, OutWidth, PadTop, PadLeft, TileColumns, RowLength, Tile;
        public float* X, Y, Bias, V, M, Rows;
        public bool Rectify;
        public int TileRow0, TileRow1, Tiles, Channels, Parts;
        // Thread blocks: the packed U_ξ, blocks claimed from NextBlock, and each thread's scratch area (Area floats).
        public float** U;
        public int UWidth, BlockRows, TileRows, NextBlock;
        public long Area;
    }

    // One kernel thread's share of a thread-block run: claims blocks until none are left and runs each one whole in
    // its own area of the scratch (chunk 0 or 1; the caller runs chunk 0 alone when the worker is busy).
    static void ThreadBlocks(void* context, int chunk)
    {
        ref var shared = ref *(Job*)context;
        var j = shared; // this thread's copy: its own block bounds and buffers
        int elements = (j.Tile + 2) * (j.Tile + 2);
        float* area = shared.V + chunk * shared.Area;
        for (int block = Interlocked.Increment(ref shared.NextBlock) - 1; block * j.BlockRows < j.TileRows;
             block = Interlocked.Increment(ref shared.NextBlock) - 1)
        {
            j.TileRow0 = block * j.BlockRows;
            j.TileRow1 = Math.Min(j.TileRows, j.TileRow0 + j.BlockRows);
            int tiles = (j.TileRow1 - j.TileRow0) * j.TileColumns;
            j.Tiles = tiles;
            j.V = area;
            j.M = area + elements * Plane(j.InChannels, tiles);
            j.Rows = area + RowsOffset(j.InChannels, j.OutChannels, j.TileColumns, j.BlockRows, j.Tile);
            j.Channels = j.InChannels;
            j.Parts = 1;
            InputChunk(&j, 0);
            for (int xi = 0; xi < elements; xi++)
                Product(&j, xi);
            j.Channels = j.OutChannels;
            OutputChunk(&j, 0);
        }
    }

    static void RunSplit(delegate*<void*, int, void> chunk, ref Job job, int channels)
    {
        job.Channels = channels;
        job.Parts = Math.Min(channels, Chunks);
        fixed (Job* p = &job)
        {
            if (KernelWorker.TryRun(chunk, p, job.Parts)) return;
            for (int i = 0; i < job.Parts; i++) chunk(p, i);
        }
    }

    static void InputChunk(void* context, int chunk)
    {
        ref var j = ref *(Job*)context;
        int m = j.Tile;
        float* rows = j.Rows + chunk * RowSetFloats(j.BlockRows, m, j.RowLength);
        long plane = Plane(j.InChannels, j.Tiles);
        for (int c = j.Channels * chunk / j.Parts, end = j.Channels * (chunk + 1) / j.Parts; c < end; c++)
        {
            float* image = j.X + (long)c * j.InHeight * j.InWidth;
            // Each input row once for the whole block: tile rows overlap by 2 rows, so per tile row the copies were
            // (m + 2) / m of the input (1.5x with F(4x4), 2x with F(2x2)).
            int top = m * j.TileRow0 - j.PadTop;
            for (int r = 0, count = m * (j.TileRow1 - j.TileRow0) + 2; r < count; r++)
                PadRow(ref j, image, top + r, rows + (long)r * j.RowLength);
            for (int ty = j.TileRow0; ty < j.TileRow1; ty++)
            {
                float* tileRows = rows + (long)m * (ty - j.TileRow0) * j.RowLength;
                float* dst = j.V + (long)c * j.Tiles + (long)(ty - j.TileRow0) * j.TileColumns;
                for (int tx0 = 0; tx0 < j.TileColumns; tx0 += 8)
                {
                    if (m == 2) WinogradTransforms.Input(tileRows, j.RowLength, tx0, dst + tx0, plane, Math.Min(8, j.TileColumns - tx0));
                    else WinogradTransforms4.Input(tileRows, j.RowLength, tx0, dst + tx0, plane, Math.Min(8, j.TileColumns - tx0));
                }
            }
        }
    }

    // Padded row j holds input column j - padLeft of row ih (0 outside the input).
    static void PadRow(ref Job job, float* image, int ih, float* dst)
    {
        var row = new Span<float>(dst, job.RowLength);
        if ((uint)ih >= (uint)job.InHeight)
        {
            row.Clear();
            return;
        }
        int j0 = Math.Clamp(job.PadLeft, 0, job.RowLength), j1 = Math.Clamp(job.PadLeft + job.InWidth, j0, job.RowLength);
        row[..j0].Clear();
        new ReadOnlySpan<float>(image + (long)ih * job.InWidth + (j0 - job.PadLeft), j1 - j0).CopyTo(row[j0..j1]);
        row[j1..].Clear();
    }

    static void OutputChunk(void* context, int chunk)
    {
        ref var j = ref *(Job*)context;
        long plane = Plane(j.OutChannels, j.Tiles);
        int m = j.Tile;
        float** outputs = stackalloc float*[4];
        for (int o = j.Channels * chunk / j.Parts, end = j.Channels * (chunk + 1) / j.Parts; o < end; o++)
        {
            float bias = j.Bias == null ? 0f : j.Bias[o];
            float* image = j.Y + (long)o * j.OutHeight * j.OutWidth;
            for (int ty = j.TileRow0; ty < j.TileRow1; ty++)
            {
                for (int r = 0; r < m; r++) // rows past the output's last stay null
                    outputs[r] = m * ty + r < j.OutHeight ? image + (long)(m * ty + r) * j.OutWidth : null;
                float* src = j.M + (long)o * j.Tiles + (long)(ty - j.TileRow0) * j.TileColumns;
                for (int tx0 = 0; tx0 < j.TileColumns; tx0 += 8)
                {
                    int columns = Math.Min(8 * m, j.OutWidth - m * tx0);
                    if (m == 2) WinogradTransforms.Output(src + tx0, plane, bias, outputs[0], outputs[1], tx0, columns, j.Rectify);
                    else WinogradTransforms4.Output(src + tx0, plane, bias, outputs, tx0, columns, j.Rectify);
                }
            }
        }
    }
}
