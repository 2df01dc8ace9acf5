using System.Numerics.Tensors;

namespace PrunedLrp.Kernels;

/// <summary>
/// A convolution with one fixed weight tensor W [outC, inC / groups, kH, kW], prepared once and shared by threads:
/// <c>y[n, o, p, q] = b[o] + sum_{c in group(o), u, v} x[n, c, p*sh - pt + u*dh, q*sw - pl + v*dw] W[o, c', u, v]</c>
/// (zero outside the input) and its transpose, the gradient with respect to the input.
/// </summary>
/// <remarks>
/// Forward of a 3x3, stride-1 convolution with at least 16 channels each way runs Winograd's F(4x4, 3x3) where the
/// output is at least 16x16, else F(2x2, 3x3) (<see cref="Winograd3x3"/>, 4x or 2.25x fewer multiply-adds). BackwardData
/// of such a convolution runs the same tiles by its input's size, guarded
/// (<see cref="TransposedWinograd"/>): its input R/z can hold huge entries (near-zero denominators, e.g. the re-run of
/// PLRP-M), whose rounding reaches every output of their tile's patch scaled by the transformed kernel, also the outputs
/// whose weight for that entry is zero (measured with W+: PLRP-M parity error 3.8e-3 instead of 7e-7). So kernels with
/// zero weights use it only when the caller passes the factor it multiplies dx by, which bounds the damage and picks
/// the positions to recompute directly. Otherwise, per sample and group, Forward is
/// <c>y_g = W_g col(x_g)</c> with the column matrix packed block by block straight from x
/// (<see cref="ImplicitColumns"/>, never stored), or for a strided convolution from shifted copies of x built in the
/// scratch (<see cref="ShiftedPlanes"/>, about 1.5x the input for 3x3 stride 2). BackwardData of a stride-1 convolution with at least 16 input channels per group is itself a stride-1
/// convolution of dy with the flipped, transposed kernel, <c>dx_g = W'_g col'(dy_g)</c> with
/// <c>W'[c, o, u, v] = W[o, c, kH-1-u, kW-1-v]</c> and pads <c>d*(k-1) - pad</c>, so it needs no scatter either; the others
/// fold <c>W_g^T dy_g</c> back (col2im, see <see cref="Im2Col"/>). Each direction's kernel matrices are packed for
/// <see cref="Gemm"/> at that direction's first call; 1x1, stride-1, unpadded convolutions use x itself as the column matrix; groups with one input
/// channel and fewer than 6 outputs (depthwise) run direct (<see cref="DepthwiseConv"/>). All per-call state lives on
/// the stack or in the caller's scratch.
/// <para>The lean form (<see cref="MemoryMode.Lean"/>) keeps none of those: each product packs the blocks of W it reads,
/// modified by the rule's map, straight from the stored weights (<see cref="WeightPanels"/>), and runs the direct sum,
/// except on planes large enough that remaking Winograd's kernels at every call pays (<see cref="LeanWinograd"/>, in
/// both directions).</para>
/// </remarks>
public sealed unsafe partial class ConvOperator
{
    // The packed forms of each direction are built at its first call (under _prepare), not with the operator: a model
    // that only predicts never needs the transposed ones, and most rules never run one direction of their modified
    // weights (Gamma after a ReLU, for one, only transposes W + gamma W+). A rule's modified weights come from _writer,
    // written into a native buffer for each packing and freed, so that no raw copy outlives it.
    readonly ReadOnlyMemory<float> _weight;
    readonly WeightWriter? _writer;
    readonly bool _perCall;            // keeps nothing: every product packs blocks of _weight through _map (WeightPanels)
    readonly WeightMap _map;
    readonly bool _pointwise, _transposedConv; // _transposedConv: BackwardData as a stride-1 conv of dy, not col2im
    readonly bool _shiftedPlanes;      // strided forward: columns packed from ShiftedPlanes built in the scratch
    readonly float[]? _direct;         // weights of a depthwise-like conv (one input channel per group), run direct
    readonly bool _winogradForward;    // forward of a 3x3 stride-1 convolution with enough channels runs Winograd3x3
    readonly int _winogradTile;        // its output tile: 4 where the output is at least 16x16, else 2
    readonly bool _transposedWinograd; // BackwardData may run TransposedWinograd (by shape; zero weights decide per call)
    readonly LeanWinograd? _leanWinograd; // the lean form's forward, where Winograd with kernels remade per call pays
    readonly int _scratchLength;       // shape-only, so computed once rather than at every call's check
    readonly Lock _prepare = new();

    volatile bool _forwardReady, _backwardReady;
    PackedMatrix[] _forward = [];      // per group: W_g [coutG, K], K = cinG*kH*kW (none with Winograd)
    Winograd3x3? _winograd;
    PackedMatrix[] _backward = [];     // per group: flipped W'_g [cinG, coutG*kH*kW] (stride 1), else W_g^T [K, coutG]
    TransposedWinograd? _transposedWinogradOperator;

    /// <summary>Prepares the convolution <paramref name="shape"/> with <paramref name="weight"/>.</summary>
    /// <remarks>The operator keeps <paramref name="weight"/> and packs it for each direction at that direction's first
    /// call, so its contents must not change afterwards.</remarks>
    public ConvOperator(in ConvShape shape, ReadOnlyMemory<float> weight) : this(shape, Checked(shape, weight), null)
    {
    }

    /// <summary>As the public constructor, with W written by <paramref name="writer"/> whenever a direction is packed.</summary>
    internal ConvOperator(in ConvShape shape, WeightWriter writer) : this(shape, default, writer)
    {
    }

    /// <summary>The lean form (<see cref="MemoryMode.Lean"/>): nothing is prepared or kept; every product packs the
    /// blocks it reads from <paramref name="weight"/>, modified by <paramref name="map"/> (<see cref="WeightPanels"/>),
    /// and runs the direct sum, or Winograd with kernels remade in the scratch where that pays (<see cref="LeanWinograd"/>).</summary>
    internal ConvOperator(in ConvShape shape, ReadOnlyMemory<float> weight, WeightMap map)
        : this(shape, Checked(shape, weight), null, map, perCall: true)
    {
    }

    ConvOperator(in ConvShape shape, ReadOnlyMemory<float> weight, WeightWriter? writer, WeightMap map = default, bool perCall = false)
    {
        Validate(shape);
        Shape = shape;
        int groups = shape.Groups, coutG = shape.OutChannels / groups, k = ColumnRows(shape);
        (_map, _perCall) = (map, perCall);
        if (k / (shape.KernelHeight * shape.KernelWidth) == 1 && coutG < GemmBlocking.MR)
        {
            // Direct weights are one input channel per output (depthwise): small enough to keep in either form.
            _direct = new float[shape.WeightSize];
            if (writer != null) writer(_direct);
            else weight.Span.CopyTo(_direct);
            if (!map.IsIdentity)
                for (int i = 0; i < _direct.Length; i++) _direct[i] = map.Apply(_direct[i]);
            return;
        }
        (_weight, _writer) = (weight, writer);
        // The transposed conv computes cinG rows per column it packs; with few input channels (an RGB first layer:
        // 3 rows for 576-deep columns) packing dominates, and W^T dy (27 rows) plus the col2im fold is 3x faster.
        _transposedConv = shape is { StrideHeight: 1, StrideWidth: 1 } && shape.InChannels / groups >= 16;
        _winogradForward = !perCall && Winograd3x3.IsPlain3x3(shape)
            && Winograd3x3.Applies(shape.InChannels, shape.OutChannels, shape.OutHeight, shape.OutWidth);
        _winogradTile = Winograd3x3.TileFor(shape.OutHeight, shape.OutWidth);
        _pointwise = shape is { KernelHeight: 1, KernelWidth: 1, StrideHeight: 1, StrideWidth: 1, PadTop: 0, PadLeft: 0 }
            && shape.OutHeight == shape.InHeight && shape.OutWidth == shape.InWidth;
        // By shape alone, not whether W has zeros: every weight variant of a layer must fit the layer's scratch.
        _transposedWinograd = !perCall && _transposedConv && TransposedWinograd.Applies(shape);
        if (perCall && LeanWinograd.Pays(shape))
            _leanWinograd = new LeanWinograd(shape); // geometry only
        if (perCall && _transposedConv)
            _transposedWinogradOperator = TransposedWinograd.Lean(shape, weight, map); // geometry and the guard's bounds
        _shiftedPlanes = ShiftedPlanes.Applies(shape);
        _scratchLength = Math.Max(Math.Max(Math.Max(
            _winogradForward ? Winograd3x3.ScratchLengthFor(shape.InChannels, shape.OutChannels, shape.OutHeight, shape.OutWidth, _winogradTile)
                : _leanWinograd?.ScratchLength ?? 0,
            _transposedWinograd ? TransposedWinograd.ScratchLengthFor(shape) : perCall && _transposedConv ? TransposedWinograd.LeanScratchLengthFor(shape) : 0),
            _pointwise || _transposedConv ? 0 : k * FoldBlock(k, shape.OutHeight * shape.OutWidth)),
            _shiftedPlanes ? (int)ShiftedPlanes.LengthFor(shape, shape.InChannels / groups) : 0);
    }

    static ReadOnlyMemory<float> Checked(in ConvShape shape, ReadOnlyMemory<float> weight)
    {
        Validate(shape);
        return weight.Length == shape.WeightSize ? weight
            : throw new ArgumentException($"weight has {weight.Length} values, the shape needs {shape.WeightSize}", nameof(weight));
    }

    // W for packing: the stored weights, or the writer's in a native buffer that the caller disposes.
    ReadOnlySpan<float> Weights(out NativeBuffer buffer)
    {
        buffer = default;
        if (_writer == null) return _weight.Span;
        buffer = new NativeBuffer(Shape.WeightSize);
        _writer(buffer.Span);
        return buffer.Span;
    }

    void PrepareForward()
    {
        if (_forwardReady) return;
        lock (_prepare)
        {
            if (_forwardReady) return;
            var s = Shape;
            var weight = Weights(out var written);
            if (_winogradForward)
            {
                _winograd = new Winograd3x3(s.InChannels, s.OutChannels, s.InHeight, s.InWidth, s.OutHeight, s.OutWidth,
                    s.PadTop, s.PadLeft, weight, outputTile: _winogradTile);
            }
            else
            {
                int coutG = s.OutChannels / s.Groups, k = ColumnRows(s);
                var forward = new PackedMatrix[s.Groups];
                for (int g = 0; g < forward.Length; g++)
                    forward[g] = PackedMatrix.PackLeft(false, coutG, k, weight.Slice(g * coutG * k, coutG * k), k, modelForm: true);
                _forward = forward;
            }
            written.Dispose();
            _forwardReady = true;
        }
    }

    void PrepareBackward()
    {
        if (_backwardReady) return;
        lock (_prepare)
        {
            if (_backwardReady) return;
            var s = Shape;
            int coutG = s.OutChannels / s.Groups, k = ColumnRows(s), area = s.KernelHeight * s.KernelWidth;
            var weight = Weights(out var written);
            var backward = new PackedMatrix[s.Groups];
            using var flippedBuffer = new NativeBuffer(_transposedConv ? coutG * k : 0);
            var flipped = flippedBuffer.Span;
            for (int g = 0; g < backward.Length; g++)
            {
                var wg = weight.Slice(g * coutG * k, coutG * k);
                if (_transposedConv)
                {
                    FlipTranspose(s, wg, flipped);
                    backward[g] = PackedMatrix.PackLeft(false, k / area, coutG * area, flipped, coutG * area, modelForm: true);
                }
                else
                {
                    backward[g] = PackedMatrix.PackLeft(true, k, coutG, wg, k, modelForm: true);
                }
            }
            _backward = backward;
            if (_transposedWinograd)
                _transposedWinogradOperator = new TransposedWinograd(s, backward[0]);
            written.Dispose();
            _backwardReady = true;
        }
    }

    /// <summary>The geometry.</summary>
    public ConvShape Shape { get; }

    /// <summary>Whether this is the lean form, which keeps nothing and packs its weights at every product.</summary>
    internal bool PacksPerProduct => _perCall;

    /// <summary>Scratch floats that <see cref="Forward"/> and <see cref="BackwardData"/> need for <paramref name="batch"/> samples.</summary>
    /// <remarks>The Winograd blocks of Forward, the shifted planes of a strided Forward (one group's channels, at most
    /// 16 MB), and a block of the column matrix (inC/groups * kH * kW rows, up to 4 MB) of a BackwardData that folds
    /// (strided, or fewer than 16 input channels per group).</remarks>
    public int ScratchLength(int batch) => _scratchLength;

    // Output positions per column block of the folding BackwardData: all of them up to 4 MB of columns.
    const int FoldBlockFloats = 1 << 20;

    static int FoldBlock(int rows, int positions) => Math.Clamp(FoldBlockFloats / Math.Max(1, rows), 1, Math.Max(1, positions));

    /// <summary>y = conv(x, W) + bias (no bias term when <paramref name="bias"/> is empty); with <paramref name="rectify"/>,
    /// y = max(conv(x, W) + bias, 0), a following ReLU applied as each part of y is finished (no pass of its own).</summary>
    public void Forward(ReadOnlySpan<float> x /* [batch, inC, H, W] */, ReadOnlySpan<float> bias, Span<float> y /* [batch, outC, oH, oW] */, int batch, Span<float> scratch,
        bool rectify = false)
    {
        var s = Shape;
        CheckCall(x.Length, y.Length, batch, scratch.Length, s.InSize, s.OutSize, nameof(x), nameof(y), nameof(scratch));
        if (!bias.IsEmpty && bias.Length < s.OutChannels)
            throw new ArgumentException($"bias has {bias.Length} values, want {s.OutChannels}", nameof(bias));
        if (_direct != null)
        {
            for (int b = 0; b < batch; b++)
                RunDirect(&DirectForwardChunk, s, x.Slice(b * s.InSize, s.InSize), bias, y.Slice(b * s.OutSize, s.OutSize), s.OutChannels);
            if (rectify) TensorPrimitives.Max(y[..(batch * s.OutSize)], 0f, y); // the direct sums are small layers
            return;
        }
        if (!_perCall) PrepareForward();
        if (_winograd != null)
        {
            RunWinograd(_winograd, x, s.InSize, bias, y, s.OutSize, batch, scratch, rectify);
            return;
        }
        if (_leanWinograd != null)
        {
            fixed (float* pw = _weight.Span)
            fixed (float* px = x)
            fixed (float* pb = bias)
            fixed (float* py = y)
            fixed (float* ps = scratch)
                _leanWinograd.Forward(pw, _map, px, bias.IsEmpty ? null : pb, py, batch, ps, rectify);
            return;
        }
        int groups = s.Groups, cinG = s.InChannels / groups, coutG = s.OutChannels / groups;
        int n = s.OutHeight * s.OutWidth, k = ColumnRows(s), plane = s.InHeight * s.InWidth;
        fixed (float* pw = _perCall ? _weight.Span : default)
        for (int b = 0; b < batch; b++)
        for (int g = 0; g < groups; g++)
        {
            var xg = x.Slice(b * s.InSize + g * cinG * plane, cinG * plane);
            var yg = y.Slice(b * s.OutSize + g * coutG * n, coutG * n);
            // The bias goes in as each register tile starts (hot in L1, on both threads), not as a pass over y first.
            var rowBias = bias.IsEmpty ? default : bias.Slice(g * coutG, coutG);
            var panels = new WeightPanels { Weight = pw + (long)g * coutG * k, Stride = k, Map = _map };
            var a = _perCall ? LeftOperand.PackedBy(coutG, k, &WeightPanels.PackRows, &panels) : LeftOperand.Of(_forward[g]);
            if (_pointwise)
            {
                Gemm.Multiply(a, n, xg, n, yg, n, accumulate: false, rowBias, rectify);
                continue;
            }
            fixed (float* px = xg)
            {
                if (_shiftedPlanes)
                {
                    fixed (float* ps = scratch)
                    {
                        var planes = ShiftedPlanes.Build(s, px, cinG, ps);
                        Gemm.Multiply(a, n, &ShiftedPlanes.Pack, &planes, yg, n, accumulate: false, rowBias, rectify);
                    }
                    continue;
                }
                var columns = ImplicitColumns.Of(s, px);
                Gemm.Multiply(a, n, &ImplicitColumns.Pack, &columns, yg, n, accumulate: false, rowBias, rectify);
            }
        }
        GC.KeepAlive(_forward); // LeftOperand holds only the panels' address
    }

    /// <summary>dx = conv_transpose(dy, W): <c>dx[n, c, i, k] = sum over (o, p, q, u, v) that read (i, k) of dy[n, o, p, q] W[o, c', u, v]</c>.</summary>
    /// <remarks>A caller that multiplies dx elementwise by some factor (the relevance pass: by the layer input x) passes it
    /// as <paramref name="factor"/>: that lets the guarded Winograd product serve kernels with zero weights too (see
    /// <see cref="TransposedWinograd"/>).</remarks>
    public void BackwardData(ReadOnlySpan<float> dy /* [batch, outC, oH, oW] */, Span<float> dx /* [batch, inC, H, W] */, int batch, Span<float> scratch,
        ReadOnlySpan<float> factor = default /* [batch, inC, H, W] or empty */)
    {
        var s = Shape;
        CheckCall(dx.Length, dy.Length, batch, scratch.Length, s.InSize, s.OutSize, nameof(dx), nameof(dy), nameof(scratch));
        if (!factor.IsEmpty && factor.Length < (long)batch * s.InSize)
            throw new ArgumentException($"factor has {factor.Length} values, {batch} samples need {(long)batch * s.InSize}", nameof(factor));
        if (_direct != null)
        {
            for (int b = 0; b < batch; b++)
                RunDirect(&DirectBackwardChunk, s, dy.Slice(b * s.OutSize, s.OutSize), [], dx.Slice(b * s.InSize, s.InSize), s.InChannels);
            return;
        }
        if (!_perCall) PrepareBackward();
        int groups = s.Groups, cinG = s.InChannels / groups, coutG = s.OutChannels / groups;
        int n = s.OutHeight * s.OutWidth, k = ColumnRows(s), plane = s.InHeight * s.InWidth;
        fixed (float* pw = _perCall ? _weight.Span : default)
        for (int b = 0; b < batch; b++)
        for (int g = 0; g < groups; g++)
        {
            var dyg = dy.Slice(b * s.OutSize + g * coutG * n, coutG * n);
            var dxg = dx.Slice(b * s.InSize + g * cinG * plane, cinG * plane);
            var panels = new WeightPanels
            {
                Weight = pw + (long)g * coutG * k, Stride = k, Area = s.KernelHeight * s.KernelWidth, InChannels = cinG, Map = _map,
            };
            var a = _perCall ? PerCallBackward(&panels, k, coutG) : LeftOperand.Of(_backward[g]);
            if (_pointwise)
            {
                Gemm.Multiply(a, n, dyg, n, dxg, n, accumulate: false);
                continue;
            }
            if (_transposedConv)
            {
                fixed (float* pdy = dyg)
                {
                    if (_transposedWinogradOperator is { } winograd && (winograd.ZeroFree || !factor.IsEmpty))
                    {
                        fixed (float* pdx = dxg)
                        fixed (float* ps = scratch)
                        fixed (float* pf = factor)
                        {
                            if (winograd.TryRun(pdy, pdx, ps, pf == null ? null : pf + (long)b * s.InSize)) continue;
                        }
                    }
                    var columns = TransposedColumns(s, pdy);
                    Gemm.Multiply(a, plane, &ImplicitColumns.Pack, &columns, dxg, plane, accumulate: false);
                }
                continue;
            }
            // W^T dy by blocks of output positions, each folded before the next, so the column scratch stays bounded
            // (a 1-D genomics layer at 1 Mb would need k x 1M floats at once).
            dxg.Clear();
            int block = FoldBlock(k, n);
            for (int j0 = 0; j0 < n; j0 += block)
            {
                int width = Math.Min(block, n - j0);
                var col = scratch[..(k * width)];
                Gemm.Multiply(a, width, dyg[j0..], n, col, width, accumulate: false);
                Fold(s, col, dxg, cinG, j0, j0 + width);
            }
        }
        GC.KeepAlive(_backward); // LeftOperand holds only the panels' address
    }

    // The lean form's left operand of BackwardData, packed as _backward would hold it: the flipped, transposed kernel
    // [cinG, coutG kH kW] for the stride-1 transposed convolution, else W_g^T [k, coutG] (pointwise: [cinG, coutG]).
    LeftOperand PerCallBackward(WeightPanels* panels, int k, int coutG) => _transposedConv && !_pointwise
        ? LeftOperand.PackedBy(k / panels->Area, coutG * panels->Area, &WeightPanels.PackFlipped, panels)
        : LeftOperand.PackedBy(k, coutG, &WeightPanels.PackColumns, panels);

    static void RunWinograd(Winograd3x3 op, ReadOnlySpan<float> source, int sourceSize, ReadOnlySpan<float> bias,
        Span<float> destination, int destinationSize, int batch, Span<float> scratch, bool rectify)
    {
        fixed (float* ps = source)
        fixed (float* pb = bias)
        fixed (float* pd = destination)
        fixed (float* pw = scratch)
        {
            for (int b = 0; b < batch; b++)
                op.Run(ps + (long)b * sourceSize, bias.IsEmpty ? null : pb, pd + (long)b * destinationSize, pw, rectify);
        }
    }

    // W'[c, (o*kH + u)*kW + v] = W[o, c, kH-1-u, kW-1-v] for one group: the kernel of the stride-1 transposed convolution.
    // In bands of 16 input channels, so that the writes run along 16 rows of W' at once instead of jumping a whole row
    // of W' per value (with o outside c, the first calls of a ResNet-50 explain spent 6% of their time here).
    static void FlipTranspose(in ConvShape s, ReadOnlySpan<float> wg, Span<float> flipped)
    {
        const int band = 16;
        int kh = s.KernelHeight, kw = s.KernelWidth, area = kh * kw;
        int cinG = s.InChannels / s.Groups, coutG = s.OutChannels / s.Groups;
        for (int c0 = 0; c0 < cinG; c0 += band)
        {
            int c1 = Math.Min(cinG, c0 + band);
            for (int o = 0; o < coutG; o++)
            for (int c = c0; c < c1; c++)
            {
                var source = wg.Slice((o * cinG + c) * area, area);
                var target = flipped.Slice((c * coutG + o) * area, area);
                for (int i = 0; i < area; i++)
                    target[i] = source[area - 1 - i]; // (u, v) -> (kH-1-u, kW-1-v) reverses the row-major kernel
            }
        }
    }

    // dx[c, i, j] = sum_{o, u, v} W'[c, o, u, v] dy[o, i - pt' + u*dh, j - pl' + v*dw] with pt' = dh*(kH-1) - pt: a
    // stride-1 convolution over dy (oH x oW) whose output is the input plane (H x W).
    static ImplicitColumns TransposedColumns(in ConvShape s, float* dy) => new()
    {
        Image = dy, InHeight = s.OutHeight, InWidth = s.OutWidth, KernelHeight = s.KernelHeight, KernelWidth = s.KernelWidth,
        StrideHeight = 1, StrideWidth = 1,
        PadTop = s.DilationHeight * (s.KernelHeight - 1) - s.PadTop, PadLeft = s.DilationWidth * (s.KernelWidth - 1) - s.PadLeft,
        DilationHeight = s.DilationHeight, DilationWidth = s.DilationWidth, OutHeight = s.InHeight, OutWidth = s.InWidth,
    };

    static int ColumnRows(in ConvShape s) => s.InChannels / s.Groups * s.KernelHeight * s.KernelWidth;

    void CheckCall(int inLength, int outLength, int batch, int scratchLength, int inSize, int outSize, string inName, string outName, string scratchName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (inLength < (long)batch * inSize)
            throw new ArgumentException($"{inName} has {inLength} values, {batch} samples need {(long)batch * inSize}", inName);
        if (outLength < (long)batch * outSize)
            throw new ArgumentException($"{outName} has {outLength} values, {batch} samples need {(long)batch * outSize}", outName);
        if (batch > 0 && scratchLength < ScratchLength(batch))
            throw new ArgumentException($"scratch has {scratchLength} floats, want ScratchLength({batch}) = {ScratchLength(batch)}", scratchName);
    }

    static void Validate(in ConvShape s)
    {
        if (s.Groups < 1 || s.InChannels < 1 || s.OutChannels < 1 || s.InChannels % s.Groups != 0 || s.OutChannels % s.Groups != 0)
            throw new ArgumentException($"channels {s.InChannels} -> {s.OutChannels} do not split into {s.Groups} groups", nameof(s));
        if (s.KernelHeight < 1 || s.KernelWidth < 1 || s.StrideHeight < 1 || s.StrideWidth < 1 || s.DilationHeight < 1 || s.DilationWidth < 1)
            throw new ArgumentException("kernel, stride and dilation must be positive", nameof(s));
        if (s.InHeight < 0 || s.InWidth < 0 || s.OutHeight < 0 || s.OutWidth < 0 || s.PadTop < 0 || s.PadLeft < 0)
            throw new ArgumentException("sizes and pads must not be negative", nameof(s));
        if ((long)s.InChannels * s.InHeight * s.InWidth > int.MaxValue || (long)s.OutChannels * s.OutHeight * s.OutWidth > int.MaxValue
            || (long)s.InChannels / s.Groups * s.KernelHeight * s.KernelWidth * s.OutHeight * s.OutWidth > int.MaxValue)
            throw new ArgumentException("the convolution is too large for 32-bit indexing", nameof(s));
    }
}
