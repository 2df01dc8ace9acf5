namespace PrunedLrp.Kernels;

/// <summary>
/// The lean memory mode's Winograd products (<see cref="MemoryMode.Lean"/>): a 3x3 stride-1 convolution, or its
/// transposed product, whose transformed kernels are written from the model's weights, modified by the rule's map,
/// into the caller's scratch at every call (<see cref="Winograd3x3.PrepareKernels(float*, int, int, bool, WeightMap, float*)"/>),
/// so that nothing but the weights is kept. Output channels are taken in groups whose kernels fit
/// <see cref="KernelFloatsLimit"/>; each group is a convolution of its own (its input transform repeated, a small part
/// of its products).
/// </summary>
/// <remarks>
/// Only where it pays (<see cref="Pays"/>): with F(4x4, 3x3) each kernel pair (o, c) costs about 16 ns for its 36
/// transformed values (writing them and the products reading them back) and saves 6.75 of the direct sum's 9
/// multiply-adds per output position, which pays from about 400 positions; F(2x2, 3x3) saves 5 per position for 16
/// values, from about 800. Measured (`quick-lean`, one call, JIT, 2-core Zen 5 VM): 256 channels at 56x56 5.5 ms
/// against 12.4-12.7 ms for the direct sum, 512 channels at 28x28 (3 groups) 10.0 ms against 13.4-13.9 ms. Where it
/// does not: with F(2x2, 3x3) at 14x14 (512 channels) 4.9 ms against 4.0 ms, at 7x7 3.7 ms against 1.4 ms.
/// </remarks>
internal sealed unsafe class LeanWinograd
{
    /// <summary>The fewest output positions for which F(4x4, 3x3) pays (see remarks).</summary>
    public const int MinOutputs = 400;

    /// <summary>The fewest output positions for which F(2x2, 3x3) pays (see remarks).</summary>
    public const int MinOutputsF2 = 784;

    /// <summary>The most floats of transformed kernels in the scratch at once (16 MB). The lean mode promises peak memory
    /// near the weights plus the activations: VGG-16's 512-channel layers in one group need 38 MB, and its
    /// epsilon-gamma-box explain then peaked at 806 MB, above its 784 MB of weights and twice the activations.</summary>
    public const long KernelFloatsLimit = 4L << 20;

    readonly Winograd3x3[] _groups;
    readonly int _groupRows;             // output channels of every group but the last (a multiple of MR)
    readonly int _inChannels, _rowStride, _columnStride;
    readonly bool _flipped;
    readonly long _inSize, _outSize, _outPlane;

    /// <summary>Whether the forward of <paramref name="s"/> runs here in the lean form: Winograd applies, with
    /// F(4x4, 3x3), on at least <see cref="MinOutputs"/> output positions.</summary>
    public static bool Pays(in ConvShape s) =>
        Winograd3x3.IsPlain3x3(s) && Winograd3x3.Applies(s.InChannels, s.OutChannels, s.OutHeight, s.OutWidth)
        && Winograd3x3.TileFor(s.OutHeight, s.OutWidth) == 4 && PaysFor(4, s.OutHeight * s.OutWidth);

    /// <summary>Whether an output plane of <paramref name="positions"/> makes remade kernels pay with tile <paramref name="tile"/>.</summary>
    public static bool PaysFor(int tile, int positions) => positions >= (tile == 4 ? MinOutputs : MinOutputsF2);

    /// <summary>The forward of <paramref name="s"/> (<see cref="Pays"/> must hold): its output-channel groups, whose
    /// kernels fit <paramref name="kernelFloatsLimit"/> (tests pass a small one to get several groups of small layers).</summary>
    public LeanWinograd(in ConvShape s, long kernelFloatsLimit = KernelFloatsLimit)
        : this(s.InChannels, s.OutChannels, s.InHeight, s.InWidth, s.OutHeight, s.OutWidth, s.PadTop, s.PadLeft, 4,
            s.InChannels * 9, 9, flipped: false, kernelFloatsLimit)
    {
    }

    /// <summary>The transposed product of <paramref name="s"/>, <c>dx = conv(dy, W')</c> with the flipped kernel
    /// <c>W'[c, o, u, v] = W[o, c, 2-u, 2-v]</c> and pads <c>2 - pad</c> (see <see cref="TransposedWinograd"/>), by
    /// F(<paramref name="tile"/> x <paramref name="tile"/>, 3x3).</summary>
    public static LeanWinograd Transposed(in ConvShape s, int tile, long kernelFloatsLimit = KernelFloatsLimit) =>
        new(s.OutChannels, s.InChannels, s.OutHeight, s.OutWidth, s.InHeight, s.InWidth, 2 - s.PadTop, 2 - s.PadLeft, tile,
            9, s.InChannels * 9, flipped: true, kernelFloatsLimit);

    LeanWinograd(int inChannels, int outChannels, int inHeight, int inWidth, int outHeight, int outWidth, int padTop, int padLeft,
        int tile, int rowStride, int columnStride, bool flipped, long kernelFloatsLimit)
    {
        (_inChannels, _rowStride, _columnStride, _flipped) = (inChannels, rowStride, columnStride, flipped);
        (_inSize, _outPlane) = ((long)inChannels * inHeight * inWidth, (long)outHeight * outWidth);
        _outSize = outChannels * _outPlane;
        _groupRows = GroupRows(inChannels, outChannels, tile, kernelFloatsLimit);
        int count = (outChannels + _groupRows - 1) / _groupRows;
        _groups = new Winograd3x3[count];
        for (int g = 0; g < count; g++)
            _groups[g] = Winograd3x3.WithKernelsPerCall(inChannels, Math.Min(_groupRows, outChannels - g * _groupRows),
                inHeight, inWidth, outHeight, outWidth, padTop, padLeft, tile);
    }

    /// <summary>Output channels a group: all of them when their kernels fit <paramref name="limit"/> floats, else the
    /// fewest equal groups that fit, rounded up to whole row panels (at least one panel, whatever the limit).</summary>
    public static int GroupRows(int inChannels, int outChannels, int tile = 4, long limit = KernelFloatsLimit)
    {
        for (int groups = 1; ; groups++)
        {
            int rows = Math.Min(outChannels, GemmBlocking.RoundUp((outChannels + groups - 1) / groups, GemmBlocking.MR));
            if (rows <= GemmBlocking.MR || Winograd3x3.KernelFloatsFor(inChannels, rows, tile) <= limit)
                return rows;
        }
    }

    /// <summary>The output-channel groups (tests).</summary>
    internal int Groups => _groups.Length;

    /// <summary>Scratch floats of <see cref="Forward"/>: the first (largest) group's kernels, then its Winograd blocks.</summary>
    public int ScratchLength => checked((int)(_groups[0].KernelFloats + _groups[0].ScratchLength));

    /// <summary>y = conv(x, map(w)) (+ bias when not null; with <paramref name="rectify"/>, max(y, 0)) for
    /// <paramref name="batch"/> samples, each group's kernels written once per call from <paramref name="weight"/> (the
    /// layer's W [outC, inC, 3, 3] in both directions).</summary>
    public void Forward(float* weight, WeightMap map, float* x, float* bias, float* y, int batch, float* scratch, bool rectify)
    {
        if (batch == 0) return;
        for (int g = 0; g < _groups.Length; g++)
        {
            var op = _groups[g];
            int first = g * _groupRows;
            float* blocks = scratch + op.KernelFloats;
            op.PrepareKernels(weight + (long)first * _rowStride, _rowStride, _columnStride, _flipped, map, scratch);
            for (int b = 0; b < batch; b++)
                op.Run(x + b * _inSize, bias == null ? null : bias + first, y + b * _outSize + first * _outPlane, blocks, rectify, scratch);
        }
    }
}
