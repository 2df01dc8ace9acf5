using System.Runtime.CompilerServices;

namespace PrunedLrp.Kernels;

/// <summary>
/// Max pooling over planes [planes, H, W] with strides, zero-free padding (padded taps never win) and dilation, split
/// over both cores by planes. The scan order within a window is row-major and a later tap wins only when strictly
/// greater (or NaN), so the winner is PyTorch's first maximum; the relevance pass reuses the same scan.
/// </summary>
internal static unsafe class MaxPoolKernel
{
    struct Job
    {
        public float* X, Y, ROut, RIn;
        public ConvShape Shape;
        public int Planes, ChunkPlanes;
        public bool Backward;
    }

    /// <summary><c>y[c, p, q] = max over the window of x[c]</c>.</summary>
    public static void Forward(in ConvShape shape, ReadOnlySpan<float> x, Span<float> y, int planes)
        => Run(shape, x, y, default, default, planes, backward: false);

    /// <summary><c>rIn[c, argmax window(p, q)] += rOut[c, p, q]</c> (rIn is overwritten).</summary>
    public static void Backward(in ConvShape shape, ReadOnlySpan<float> x, ReadOnlySpan<float> rOut, Span<float> rIn, int planes)
        => Run(shape, x, default, rOut, rIn, planes, backward: true);

    static void Run(in ConvShape shape, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> rOut, Span<float> rIn, int planes, bool backward)
    {
        int inPlane = shape.InHeight * shape.InWidth, outPlane = shape.OutHeight * shape.OutWidth;
        if (x.Length < (long)planes * inPlane || (!backward && y.Length < (long)planes * outPlane)
            || (backward && (rOut.Length < (long)planes * outPlane || rIn.Length < (long)planes * inPlane)))
            throw new ArgumentException("buffers are smaller than the pooling geometry needs");
        fixed (float* px = x, py = y, pr = rOut, pi = rIn)
        {
            // Chunks of whole planes; small layers stay on one thread (the hand-off costs more than it saves).
            int chunks = (long)planes * outPlane * shape.KernelHeight * shape.KernelWidth < 1 << 15 ? 1 : Math.Min(planes, 8);
            var job = new Job
            {
                X = px, Y = py, ROut = pr, RIn = pi, Shape = shape, Planes = planes,
                ChunkPlanes = (planes + chunks - 1) / chunks, Backward = backward,
            };
            if (chunks < 2 || !KernelWorker.TryRun(&Chunk, &job, chunks))
            {
                for (int c = 0; c < chunks; c++)
                    Chunk(&job, c);
            }
        }
    }

    static void Chunk(void* context, int chunk)
    {
        var job = (Job*)context;
        int first = chunk * job->ChunkPlanes, last = Math.Min(job->Planes, first + job->ChunkPlanes);
        var s = job->Shape;
        int inPlane = s.InHeight * s.InWidth, outPlane = s.OutHeight * s.OutWidth;
        bool pairs = MaxPool2x2.Applies(s), vector = !pairs && MaxPoolVector.Applies(s);
        for (int c = first; c < last; c++)
        {
            float* x = job->X + (long)c * inPlane;
            float* rIn = job->RIn + (long)c * inPlane;
            if (job->Backward)
                new Span<float>(rIn, inPlane).Clear();
            for (int p = 0; p < s.OutHeight; p++)
            {
                int q = 0;
                if (pairs)
                {
                    float* row0 = x + (long)2 * p * s.InWidth;
                    float* y = job->Backward ? null : job->Y + (long)c * outPlane + p * s.OutWidth;
                    float* rOut = job->Backward ? job->ROut + (long)c * outPlane + p * s.OutWidth : null;
                    float* rIn0 = rIn + (long)2 * p * s.InWidth;
                    for (; q + 8 <= s.OutWidth; q += 8)
                    {
                        if (!MaxPool2x2.Group(row0, row0 + s.InWidth, q, y, rOut, rIn0, rIn0 + s.InWidth))
                            for (int t = q; t < q + 8; t++) Window(job, x, c, p, t);
                    }
                }
                else if (vector)
                {
                    int h0 = p * s.StrideHeight - s.PadTop;
                    float* y = job->Backward ? null : job->Y + (long)c * outPlane + p * s.OutWidth;
                    float* rOut = job->Backward ? job->ROut + (long)c * outPlane + p * s.OutWidth : null;
                    while (q < s.OutWidth)
                    {
                        int count = Math.Min(8, s.OutWidth - q);
                        if (count == 8 && MaxPoolVector.Inside(s, h0, q))
                        {
                            if (MaxPoolVector.Group(s, x, h0, q, y, rOut, rIn))
                                q += 8;
                            else
                                Window(job, x, c, p, q++); // a NaN: the scalar scan lets it win
                        }
                        else if (MaxPoolVector.BorderGroup(s, x, h0, q, count, y, rOut, rIn))
                            q += count;
                        else
                            Window(job, x, c, p, q++);
                    }
                }
                for (; q < s.OutWidth; q++) Window(job, x, c, p, q);
            }
        }
    }

    // One window by the scalar scan: y = its maximum, or its relevance added to the winner's rIn.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Window(Job* job, float* x, int c, int p, int q)
    {
        var s = job->Shape;
        int h0 = p * s.StrideHeight - s.PadTop;
        // Valid kernel rows: h0 + u * dh in [0, H).
        int u0 = h0 >= 0 ? 0 : (-h0 + s.DilationHeight - 1) / s.DilationHeight;
        int u1 = Math.Min(s.KernelHeight, (s.InHeight - h0 + s.DilationHeight - 1) / s.DilationHeight);
        int w0 = q * s.StrideWidth - s.PadLeft;
        int v0 = 0, v1 = s.KernelWidth;
        if (w0 < 0 || w0 + (s.KernelWidth - 1) * s.DilationWidth >= s.InWidth)
        {
            // Border window: clip the taps (the divisions stay off the interior's path).
            v0 = w0 >= 0 ? 0 : (-w0 + s.DilationWidth - 1) / s.DilationWidth;
            v1 = Math.Min(s.KernelWidth, (s.InWidth - w0 + s.DilationWidth - 1) / s.DilationWidth);
        }
        int best = ArgMax(x, s, h0, w0, u0, u1, v0, v1);
        long o = (long)c * s.OutHeight * s.OutWidth + p * s.OutWidth + q;
        if (job->Backward)
            job->RIn[(long)c * s.InHeight * s.InWidth + best] += job->ROut[o];
        else
            job->Y[o] = x[best];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int ArgMax(float* x, ConvShape s, int h0, int w0, int u0, int u1, int v0, int v1)
    {
        int best = (h0 + u0 * s.DilationHeight) * s.InWidth + w0 + v0 * s.DilationWidth;
        float max = x[best];
        if (float.IsNaN(max))
            return best;
        for (int u = u0; u < u1; u++)
        {
            float* row = x + (h0 + u * s.DilationHeight) * s.InWidth + w0;
            for (int v = v0; v < v1; v++)
            {
                float value = row[v * s.DilationWidth];
                if (value > max || float.IsNaN(value))
                {
                    max = value;
                    best = (int)(row - x) + v * s.DilationWidth;
                    if (float.IsNaN(value))
                        return best;
                }
            }
        }
        return best;
    }
}
