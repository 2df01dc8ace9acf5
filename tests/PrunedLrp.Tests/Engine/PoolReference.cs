using PrunedLrp.Graph;
using PrunedLrp.Tests.Rules;

namespace PrunedLrp.Tests.Engine;

/// <summary>
/// Brute-force twins of the pooling layers, derived from PyTorch's definitions rather than from the layers' code:
/// the average pool as an explicit [out, in] matrix with 1/divisor entries, the max pool as an arg-max per window
/// (smallest flat index among the maxima = first in scan order), and the global average pool as a 1/P matrix.
/// One sample; 1-D windows are handled as a height-1 plane.
/// </summary>
internal static class PoolReference
{
    /// <summary>PyTorch's pooled length: floor or ceil of (in + pads - span) / stride + 1, minus the last window in
    /// ceil mode when it would start inside the end padding.</summary>
    public static int OutLength(int input, int kernel, int stride, int padBegin, int padEnd, int dilation, bool ceil)
    {
        int span = dilation * (kernel - 1) + 1;
        double steps = (double)(input + padBegin + padEnd - span) / stride;
        int count = (int)(ceil ? Math.Ceiling(steps) : Math.Floor(steps)) + 1;
        if (ceil && (count - 1) * stride >= input + padBegin)
            count--;
        return count;
    }

    /// <summary>Per-axis geometry (1-D input: a dummy height axis of size 1).</summary>
    readonly record struct Axis(int In, int Out, int Kernel, int Stride, int PadBegin, int PadEnd, int Dilation);

    static (Axis H, Axis W, int Channels) Axes(NodeSpec node, int[] inShape, int[] outShape)
    {
        bool is1d = inShape.Length == 2;
        var w = new Axis(inShape[^1], outShape[^1], node.Kernel[^1], node.Strides[^1], node.PadsBegin[^1], node.PadsEnd[^1], node.Dilations[^1]);
        var h = is1d ? new Axis(1, 1, 1, 1, 0, 0, 1)
            : new Axis(inShape[1], outShape[1], node.Kernel[0], node.Strides[0], node.PadsBegin[0], node.PadsEnd[0], node.Dilations[0]);
        return (h, w, inShape[0]);
    }

    /// <summary>Window taps of output <paramref name="o"/> along one axis: (input index, whether the tap lies inside
    /// the padded extent [-padBegin, in + padEnd)). Taps past the padded extent occur only in ceil mode.</summary>
    static IEnumerable<(int Index, bool InPaddedExtent)> Taps(Axis a, int o)
    {
        for (int k = 0; k < a.Kernel; k++)
        {
            int i = o * a.Stride - a.PadBegin + k * a.Dilation;
            yield return (i, i >= -a.PadBegin && i < a.In + a.PadEnd);
        }
    }

    /// <summary>The average pool as a matrix: entry 1/d for every real input in the window, d = number of taps in the
    /// padded extent (count_include_pad) or number of real inputs (not count_include_pad). Bias zero.</summary>
    public static LinearMatrix Average(NodeSpec node, int[] inShape, int[] outShape)
    {
        var (h, w, channels) = Axes(node, inShape, outShape);
        int inSize = channels * h.In * w.In, outSize = channels * h.Out * w.Out;
        var m = new double[outSize, inSize];
        var conn = new double[outSize, inSize];
        for (int c = 0; c < channels; c++)
        for (int p = 0; p < h.Out; p++)
        for (int q = 0; q < w.Out; q++)
        {
            var hTaps = Taps(h, p).ToArray();
            var wTaps = Taps(w, q).ToArray();
            int padded = hTaps.Count(t => t.InPaddedExtent) * wTaps.Count(t => t.InPaddedExtent);
            var real = (from a in hTaps where a.Index >= 0 && a.Index < h.In
                        from b in wTaps where b.Index >= 0 && b.Index < w.In
                        select (c * h.In + a.Index) * w.In + b.Index).ToArray();
            double divisor = node.CountIncludePad ? padded : real.Length;
            int j = (c * h.Out + p) * w.Out + q;
            foreach (int i in real)
            {
                m[j, i] += 1 / divisor;
                conn[j, i] = 1;
            }
        }
        return new LinearMatrix { M = m, Connected = conn, Bias = new double[outSize] };
    }

    /// <summary>For every output, the flat input indices of its window's real (non-padded) taps.</summary>
    public static int[][] Windows(NodeSpec node, int[] inShape, int[] outShape)
    {
        var (h, w, channels) = Axes(node, inShape, outShape);
        var windows = new int[channels * h.Out * w.Out][];
        for (int c = 0; c < channels; c++)
        for (int p = 0; p < h.Out; p++)
        for (int q = 0; q < w.Out; q++)
        {
            windows[(c * h.Out + p) * w.Out + q] =
                (from a in Taps(h, p) where a.Index >= 0 && a.Index < h.In
                 from b in Taps(w, q) where b.Index >= 0 && b.Index < w.In
                 select (c * h.In + a.Index) * w.In + b.Index).ToArray();
        }
        return windows;
    }

    /// <summary>For every output, the flat input index that wins its window: among the real (non-padded) taps with the
    /// maximum value, the smallest flat index.</summary>
    public static int[] MaxWinners(NodeSpec node, int[] inShape, int[] outShape, double[] x)
        => Windows(node, inShape, outShape).Select(window =>
        {
            double max = window.Max(i => x[i]);
            return window.Where(i => x[i] == max).Min();
        }).ToArray();

    /// <summary>The global average pool [C, P] to [C] as a matrix with entries 1/P.</summary>
    public static LinearMatrix GlobalAverage(int channels, int positions)
    {
        var m = new double[channels, channels * positions];
        var conn = new double[channels, channels * positions];
        for (int c = 0; c < channels; c++)
        for (int i = 0; i < positions; i++)
        {
            m[c, c * positions + i] = 1.0 / positions;
            conn[c, c * positions + i] = 1;
        }
        return new LinearMatrix { M = m, Connected = conn, Bias = new double[channels] };
    }

    /// <summary>y = M x (+ bias) in double.</summary>
    public static double[] Apply(LinearMatrix l, ReadOnlySpan<double> x)
    {
        var y = new double[l.Out];
        for (int j = 0; j < l.Out; j++)
        {
            double s = l.Bias[j];
            for (int i = 0; i < l.In; i++)
                s += l.M[j, i] * x[i];
            y[j] = s;
        }
        return y;
    }
}
