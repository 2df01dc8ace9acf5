namespace PrunedLrp.Kernels;

/// <summary>
/// A convolution with one fixed weight tensor W [outC, inC / groups, kH, kW], prepared once and shared by threads:
/// <c>y[n, o, p, q] = b[o] + sum_{c in group(o), u, v} x[n, c, p*sh - pt + u*dh, q*sw - pl + v*dw] W[o, c', u, v]</c>
/// (zero outside the input) and its transpose, the gradient with respect to the input.
/// </summary>
/// <remarks>
/// Per sample and group, Forward is <c>y_g = W_g col(x_g)</c> and BackwardData is <c>dx_g = fold(W_g^T dy_g)</c>
/// (im2col / col2im, see <see cref="Im2Col"/>) with both W_g and W_g^T packed once for <see cref="Gemm"/>; 1x1,
/// stride-1, unpadded convolutions skip the column matrix; groups with one input channel and fewer than 6 outputs
/// (depthwise) run direct (<see cref="DepthwiseConv"/>). All per-call state lives in the caller's scratch.
/// </remarks>
public sealed unsafe class ConvOperator
{
    readonly PackedMatrix[] _forward;  // per group: W_g [coutG, K], K = cinG*kH*kW
    readonly PackedMatrix[] _backward; // per group: W_g^T [K, coutG]
    readonly bool _pointwise;
    readonly float[]? _direct;         // weights of a depthwise-like conv (one input channel per group), run direct

    /// <summary>Prepares the convolution <paramref name="shape"/> with <paramref name="weight"/>.</summary>
    public ConvOperator(in ConvShape shape, ReadOnlyMemory<float> weight)
    {
        Validate(shape);
        if (weight.Length != shape.WeightSize)
            throw new ArgumentException($"weight has {weight.Length} values, the shape needs {shape.WeightSize}", nameof(weight));
        Shape = shape;
        int groups = shape.Groups, coutG = shape.OutChannels / groups, k = ColumnRows(shape);
        if (k / (shape.KernelHeight * shape.KernelWidth) == 1 && coutG < GemmBlocking.MR)
        {
            _direct = weight.ToArray();
            _forward = _backward = [];
            return;
        }
        _forward = new PackedMatrix[groups];
        _backward = new PackedMatrix[groups];
        for (int g = 0; g < groups; g++)
        {
            var wg = weight.Span.Slice(g * coutG * k, coutG * k);
            _forward[g] = PackedMatrix.PackLeft(false, coutG, k, wg, k);
            _backward[g] = PackedMatrix.PackLeft(true, k, coutG, wg, k);
        }
        _pointwise = shape is { KernelHeight: 1, KernelWidth: 1, StrideHeight: 1, StrideWidth: 1, PadTop: 0, PadLeft: 0 }
            && shape.OutHeight == shape.InHeight && shape.OutWidth == shape.InWidth;
    }

    /// <summary>The geometry.</summary>
    public ConvShape Shape { get; }

    /// <summary>Scratch floats that <see cref="Forward"/> and <see cref="BackwardData"/> need for <paramref name="batch"/> samples.</summary>
    /// <remarks>One column matrix (inC/groups * kH * kW) x (oH * oW), reused for every sample and group; 0 for 1x1 convolutions.</remarks>
    public int ScratchLength(int batch) => _pointwise || _direct != null ? 0 : ColumnRows(Shape) * Shape.OutHeight * Shape.OutWidth;

    /// <summary>y = conv(x, W) + bias (no bias term when <paramref name="bias"/> is empty).</summary>
    public void Forward(ReadOnlySpan<float> x /* [batch, inC, H, W] */, ReadOnlySpan<float> bias, Span<float> y /* [batch, outC, oH, oW] */, int batch, Span<float> scratch)
    {
        var s = Shape;
        CheckCall(x.Length, y.Length, batch, scratch.Length, s.InSize, s.OutSize, nameof(x), nameof(y), nameof(scratch));
        if (!bias.IsEmpty && bias.Length < s.OutChannels)
            throw new ArgumentException($"bias has {bias.Length} values, want {s.OutChannels}", nameof(bias));
        if (_direct != null)
        {
            for (int b = 0; b < batch; b++)
                RunDirect(&DirectForwardChunk, s, x.Slice(b * s.InSize, s.InSize), bias, y.Slice(b * s.OutSize, s.OutSize), s.OutChannels);
            return;
        }
        int groups = s.Groups, cinG = s.InChannels / groups, coutG = s.OutChannels / groups;
        int n = s.OutHeight * s.OutWidth, k = ColumnRows(s), plane = s.InHeight * s.InWidth;
        for (int b = 0; b < batch; b++)
        for (int g = 0; g < groups; g++)
        {
            var xg = x.Slice(b * s.InSize + g * cinG * plane, cinG * plane);
            var yg = y.Slice(b * s.OutSize + g * coutG * n, coutG * n);
            if (!bias.IsEmpty)
                for (int o = 0; o < coutG; o++) yg.Slice(o * n, n).Fill(bias[g * coutG + o]);
            ReadOnlySpan<float> col = xg;
            if (!_pointwise)
            {
                Unfold(s, xg, scratch[..(k * n)], cinG);
                col = scratch[..(k * n)];
            }
            Gemm.Multiply(_forward[g], false, n, col, n, yg, n, accumulate: !bias.IsEmpty);
        }
    }

    /// <summary>dx = conv_transpose(dy, W): <c>dx[n, c, i, k] = sum over (o, p, q, u, v) that read (i, k) of dy[n, o, p, q] W[o, c', u, v]</c>.</summary>
    public void BackwardData(ReadOnlySpan<float> dy /* [batch, outC, oH, oW] */, Span<float> dx /* [batch, inC, H, W] */, int batch, Span<float> scratch)
    {
        var s = Shape;
        CheckCall(dx.Length, dy.Length, batch, scratch.Length, s.InSize, s.OutSize, nameof(dx), nameof(dy), nameof(scratch));
        if (_direct != null)
        {
            for (int b = 0; b < batch; b++)
                RunDirect(&DirectBackwardChunk, s, dy.Slice(b * s.OutSize, s.OutSize), [], dx.Slice(b * s.InSize, s.InSize), s.InChannels);
            return;
        }
        int groups = s.Groups, cinG = s.InChannels / groups, coutG = s.OutChannels / groups;
        int n = s.OutHeight * s.OutWidth, k = ColumnRows(s), plane = s.InHeight * s.InWidth;
        for (int b = 0; b < batch; b++)
        for (int g = 0; g < groups; g++)
        {
            var dyg = dy.Slice(b * s.OutSize + g * coutG * n, coutG * n);
            var dxg = dx.Slice(b * s.InSize + g * cinG * plane, cinG * plane);
            if (_pointwise)
            {
                Gemm.Multiply(_backward[g], false, n, dyg, n, dxg, n, accumulate: false);
                continue;
            }
            var col = scratch[..(k * n)];
            Gemm.Multiply(_backward[g], false, n, dyg, n, col, n, accumulate: false);
            Fold(s, col, dxg, cinG);
        }
    }

    static int ColumnRows(in ConvShape s) => s.InChannels / s.Groups * s.KernelHeight * s.KernelWidth;

    // Unfold / Fold split by channel over the two kernel threads when the column matrix is large enough.
    struct ColumnJob
    {
        public ConvShape Shape;
        public float* Image, Column;
        public int ImageLength, ColumnLength, Channels, Parts;
    }

    const int ParallelColumnFloats = 1 << 16;
    const int Chunks = 8; // channel ranges the two kernel threads claim dynamically

    static void Unfold(in ConvShape s, ReadOnlySpan<float> image, Span<float> col, int channels)
    {
        fixed (float* pi = image)
        fixed (float* pc = col)
        {
            var job = new ColumnJob { Shape = s, Image = pi, Column = pc, ImageLength = image.Length, ColumnLength = col.Length, Channels = channels };
            job.Parts = Math.Min(channels, Chunks);
            if (col.Length < ParallelColumnFloats || !KernelWorker.TryRun(&UnfoldChunk, &job, job.Parts))
                Im2Col.Unfold(s, image, col, 0, channels);
        }
    }

    static void Fold(in ConvShape s, ReadOnlySpan<float> col, Span<float> image, int channels)
    {
        fixed (float* pi = image)
        fixed (float* pc = col)
        {
            var job = new ColumnJob { Shape = s, Image = pi, Column = pc, ImageLength = image.Length, ColumnLength = col.Length, Channels = channels };
            job.Parts = Math.Min(channels, Chunks);
            if (col.Length < ParallelColumnFloats || !KernelWorker.TryRun(&FoldChunk, &job, job.Parts))
                Im2Col.Fold(s, col, image, 0, channels);
        }
    }

    static void UnfoldChunk(void* context, int chunk)
    {
        ref var j = ref *(ColumnJob*)context;
        int part = chunk, parts = j.Parts;
        Im2Col.Unfold(j.Shape, new ReadOnlySpan<float>(j.Image, j.ImageLength), new Span<float>(j.Column, j.ColumnLength),
            j.Channels * part / parts, j.Channels * (part + 1) / parts);
    }

    static void FoldChunk(void* context, int chunk)
    {
        ref var j = ref *(ColumnJob*)context;
        int part = chunk, parts = j.Parts;
        Im2Col.Fold(j.Shape, new ReadOnlySpan<float>(j.Column, j.ColumnLength), new Span<float>(j.Image, j.ImageLength),
            j.Channels * part / parts, j.Channels * (part + 1) / parts);
    }

    // Direct depthwise passes split by channel over the two kernel threads.
    struct DirectJob
    {
        public ConvShape Shape;
        public float* Weight, Source, Bias, Destination;
        public int WeightLength, SourceLength, BiasLength, DestinationLength, Channels, Parts;
    }

    void RunDirect(delegate*<void*, int, void> chunk, in ConvShape s, ReadOnlySpan<float> source, ReadOnlySpan<float> bias, Span<float> destination, int channels)
    {
        fixed (float* pw = _direct)
        fixed (float* ps = source)
        fixed (float* pb = bias)
        fixed (float* pd = destination)
        {
            var job = new DirectJob
            {
                Shape = s, Weight = pw, Source = ps, Bias = pb, Destination = pd, WeightLength = _direct!.Length,
                SourceLength = source.Length, BiasLength = bias.Length, DestinationLength = destination.Length, Channels = channels,
            };
            long work = (long)s.OutSize * s.KernelHeight * s.KernelWidth;
            job.Parts = Math.Min(channels, Chunks);
            if (work < ParallelColumnFloats || !KernelWorker.TryRun(chunk, &job, job.Parts))
            {
                job.Parts = 1; // one chunk covering all channels
                chunk(&job, 0);
            }
        }
    }

    static void DirectForwardChunk(void* context, int chunk)
    {
        ref var j = ref *(DirectJob*)context;
        int parts = j.Parts, part = chunk;
        DepthwiseConv.Forward(j.Shape, new ReadOnlySpan<float>(j.Weight, j.WeightLength), new ReadOnlySpan<float>(j.Source, j.SourceLength),
            new ReadOnlySpan<float>(j.Bias, j.BiasLength), new Span<float>(j.Destination, j.DestinationLength),
            j.Channels * part / parts, j.Channels * (part + 1) / parts);
    }

    static void DirectBackwardChunk(void* context, int chunk)
    {
        ref var j = ref *(DirectJob*)context;
        int parts = j.Parts, part = chunk;
        DepthwiseConv.Backward(j.Shape, new ReadOnlySpan<float>(j.Weight, j.WeightLength), new ReadOnlySpan<float>(j.Source, j.SourceLength),
            new Span<float>(j.Destination, j.DestinationLength), j.Channels * part / parts, j.Channels * (part + 1) / parts);
    }

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
