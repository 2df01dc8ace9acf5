using PrunedLrp.Graph;

namespace PrunedLrp.Tests.Convert;

/// <summary>
/// A deliberately plain, slow forward pass over a <see cref="ModelSpec"/> for one sample, with PyTorch semantics
/// (cross-correlation; max pool pads never win; average pool divisor = window clipped to the padded input when
/// count_include_pad, else the real elements). Used to check conversions numerically, not as an engine.
/// </summary>
internal static class ReferenceForward
{
    public static float[] Run(ModelSpec model, float[] input)
    {
        var shapes = ShapeInference.Infer(model);
        var outputs = new double[model.Nodes.Count][];
        outputs[0] = input.Select(v => (double)v).ToArray();
        for (int id = 1; id < model.Nodes.Count; id++)
        {
            var n = model.Nodes[id];
            var x = outputs[n.Inputs[0]];
            var xs = shapes[n.Inputs[0]];
            outputs[id] = n.Kind switch
            {
                OpKind.Relu => x.Select(v => Math.Max(v, 0)).ToArray(),
                OpKind.Flatten => x,
                OpKind.Add => x.Zip(outputs[n.Inputs[1]], (a, b) => a + b).ToArray(),
                OpKind.Affine => Affine(n, x, xs),
                OpKind.Dense => Dense(n, x),
                OpKind.GlobalAvgPool => GlobalAvg(x, xs),
                OpKind.Conv => Conv(n, x, As2D(xs), As2D(shapes[id])),
                OpKind.MaxPool or OpKind.AvgPool => Pool(n, x, As2D(xs), As2D(shapes[id])),
                _ => throw new NotSupportedException(n.Kind.ToString()),
            };
        }
        return outputs[^1].Select(v => (float)v).ToArray();
    }

    /// <summary>[C, L] as [C, 1, L]; [C, H, W] unchanged.</summary>
    static int[] As2D(int[] s) => s.Length == 2 ? [s[0], 1, s[1]] : s;

    /// <summary>Window attribute for axis 0 (height) / 1 (width) of a 1-D or 2-D op; 1-D has a unit height axis.</summary>
    static int Attr(int[] values, int axis, int unit) => values.Length == 1 ? (axis == 0 ? unit : values[0]) : values[axis];

    static double[] Affine(NodeSpec n, double[] x, int[] xs)
    {
        int per = x.Length / xs[0];
        float[] w = n.Weight.ToArray(), b = n.Bias.ToArray();
        return x.Select((v, i) => v * w[i / per] + b[i / per]).ToArray();
    }

    static double[] Dense(NodeSpec n, double[] x)
    {
        int outs = n.WeightShape[0], ins = n.WeightShape[1];
        var w = n.Weight.Span;
        var y = new double[outs];
        for (int o = 0; o < outs; o++)
        {
            double s = n.Bias.Length == 0 ? 0 : n.Bias.Span[o];
            for (int i = 0; i < ins; i++)
                s += w[o * ins + i] * x[i];
            y[o] = s;
        }
        return y;
    }

    static double[] GlobalAvg(double[] x, int[] xs)
    {
        int per = x.Length / xs[0];
        var y = new double[xs[0]];
        for (int c = 0; c < xs[0]; c++)
            y[c] = x.Skip(c * per).Take(per).Average();
        return y;
    }

    static double[] Conv(NodeSpec n, double[] x, int[] xs, int[] ys)
    {
        int groups = n.Groups, inPer = xs[0] / groups, outPer = ys[0] / groups;
        int kh = Attr(n.Kernel, 0, 1), kw = Attr(n.Kernel, 1, 1);
        int sh = Attr(n.Strides, 0, 1), sw = Attr(n.Strides, 1, 1);
        int ph = Attr(n.PadsBegin, 0, 0), pw = Attr(n.PadsBegin, 1, 0);
        int dh = Attr(n.Dilations, 0, 1), dw = Attr(n.Dilations, 1, 1);
        var w = n.Weight.Span;
        var y = new double[ys[0] * ys[1] * ys[2]];
        for (int o = 0; o < ys[0]; o++)
        {
            int g = o / outPer;
            for (int oh = 0; oh < ys[1]; oh++)
            {
                for (int ow = 0; ow < ys[2]; ow++)
                {
                    double s = n.Bias.Length == 0 ? 0 : n.Bias.Span[o];
                    for (int ci = 0; ci < inPer; ci++)
                    {
                        for (int i = 0; i < kh; i++)
                        {
                            for (int j = 0; j < kw; j++)
                            {
                                int h = oh * sh - ph + i * dh, c = ow * sw - pw + j * dw;
                                if (h >= 0 && h < xs[1] && c >= 0 && c < xs[2])
                                    s += w[((o * inPer + ci) * kh + i) * kw + j] * x[((g * inPer + ci) * xs[1] + h) * xs[2] + c];
                            }
                        }
                    }
                    y[(o * ys[1] + oh) * ys[2] + ow] = s;
                }
            }
        }
        return y;
    }

    static double[] Pool(NodeSpec n, double[] x, int[] xs, int[] ys)
    {
        bool max = n.Kind == OpKind.MaxPool;
        int kh = Attr(n.Kernel, 0, 1), kw = Attr(n.Kernel, 1, 1);
        int sh = Attr(n.Strides, 0, 1), sw = Attr(n.Strides, 1, 1);
        int ph = Attr(n.PadsBegin, 0, 0), pw = Attr(n.PadsBegin, 1, 0);
        int eh = Attr(n.PadsEnd, 0, 0), ew = Attr(n.PadsEnd, 1, 0);
        int dh = Attr(n.Dilations, 0, 1), dw = Attr(n.Dilations, 1, 1);
        var y = new double[ys[0] * ys[1] * ys[2]];
        for (int c = 0; c < ys[0]; c++)
        {
            for (int oh = 0; oh < ys[1]; oh++)
            {
                for (int ow = 0; ow < ys[2]; ow++)
                {
                    double acc = max ? double.NegativeInfinity : 0;
                    int real = 0;
                    for (int i = 0; i < kh; i++)
                    {
                        for (int j = 0; j < kw; j++)
                        {
                            int h = oh * sh - ph + i * dh, w = ow * sw - pw + j * dw;
                            if (h < 0 || h >= xs[1] || w < 0 || w >= xs[2])
                                continue;
                            double v = x[(c * xs[1] + h) * xs[2] + w];
                            acc = max ? Math.Max(acc, v) : acc + v;
                            real++;
                        }
                    }
                    if (!max)
                    {
                        // PyTorch: the counted window is clipped to the padded input [-pad, size + padEnd).
                        int hs = oh * sh - ph, ws = ow * sw - pw;
                        int hCount = Math.Min(hs + kh, xs[1] + eh) - hs, wCount = Math.Min(ws + kw, xs[2] + ew) - ws;
                        acc /= n.CountIncludePad ? hCount * wCount : real;
                    }
                    y[(c * ys[1] + oh) * ys[2] + ow] = acc;
                }
            }
        }
        return y;
    }
}
