using PrunedLrp.Graph;

namespace PrunedLrp.Tests.Rules;

/// <summary>
/// A dense or conv node as its explicit matrix M [out, in] (and bias per output), built with plain loops straight
/// from the node's definition, plus the 0/1 connectivity (which inputs feed which output, padding excluded).
/// The textbook rules in <see cref="ReferenceRules"/> work on these.
/// </summary>
internal sealed class LinearMatrix
{
    public required double[,] M { get; init; }
    public required double[,] Connected { get; init; }
    public required double[] Bias { get; init; }
    public int Out => M.GetLength(0);
    public int In => M.GetLength(1);

    public static LinearMatrix From(NodeSpec node, int[] inShape, int[] outShape)
    {
        int inSize = inShape.Aggregate(1, (a, b) => a * b), outSize = outShape.Aggregate(1, (a, b) => a * b);
        var m = new double[outSize, inSize];
        var conn = new double[outSize, inSize];
        var w = node.Weight.Span;
        var bias = new double[outSize];
        if (node.Kind == OpKind.Dense)
        {
            for (int j = 0; j < outSize; j++)
            {
                bias[j] = node.Bias.IsEmpty ? 0 : node.Bias.Span[j];
                for (int i = 0; i < inSize; i++)
                {
                    m[j, i] = w[j * inSize + i];
                    conn[j, i] = 1;
                }
            }
            return new LinearMatrix { M = m, Connected = conn, Bias = bias };
        }
        bool is1d = inShape.Length == 2;
        int cin = inShape[0], h = is1d ? 1 : inShape[1], wd = inShape[^1];
        int cout = outShape[0], oh = is1d ? 1 : outShape[1], ow = outShape[^1];
        int kh = is1d ? 1 : node.Kernel[0], kw = node.Kernel[^1];
        int sh = is1d ? 1 : node.Strides[0], sw = node.Strides[^1];
        int ph = is1d ? 0 : node.PadsBegin[0], pw = node.PadsBegin[^1];
        int dh = is1d ? 1 : node.Dilations[0], dw = node.Dilations[^1];
        int g = node.Groups, cinG = cin / g, coutG = cout / g;
        for (int o = 0; o < cout; o++)
        for (int p = 0; p < oh; p++)
        for (int q = 0; q < ow; q++)
        {
            int j = (o * oh + p) * ow + q;
            bias[j] = node.Bias.IsEmpty ? 0 : node.Bias.Span[o];
            for (int c = 0; c < cinG; c++)
            for (int u = 0; u < kh; u++)
            for (int v = 0; v < kw; v++)
            {
                int ih = p * sh - ph + u * dh, iw = q * sw - pw + v * dw;
                if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                int ci = (o / coutG) * cinG + c;
                int i = (ci * h + ih) * wd + iw;
                m[j, i] += w[((o * cinG + c) * kh + u) * kw + v];
                conn[j, i] += 1;
            }
        }
        return new LinearMatrix { M = m, Connected = conn, Bias = bias };
    }
}
