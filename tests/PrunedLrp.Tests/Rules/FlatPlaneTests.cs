using PrunedLrp.Graph;
using PrunedLrp.Layers;
using PrunedLrp.Rules;
using PrunedLrp.Tests.Support;
using Xunit;

namespace PrunedLrp.Tests.Rules;

/// <summary>
/// Flat on ungrouped convolutions whose output holds at least <see cref="PrunedLrp.Pruning.PassHalves.From"/> entries,
/// so that its channel-summed shares run as two halves (as on VGG-16's first layer), against a plain loop of the rule:
/// <c>R_in[c, i] = sum over (o, p) whose window reads i of R[o, p] / stab(inC * taps of p inside the input)</c>.
/// </summary>
public class FlatPlaneTests
{
    public static TheoryData<string> Geometries() => new(Cases.Keys);

    // (input [C, H, W], out channels, kernel, stride, pad, dilation)
    static readonly Dictionary<string, (int[] Input, int Out, int Kernel, int Stride, int Pad, int Dilation)> Cases = new()
    {
        ["3->8 k3 pad1 130x130"] = ([3, 130, 130], 8, 3, 1, 1, 1),
        ["2->9 k5 stride2 pad2 dil2 259x261"] = ([2, 259, 261], 9, 5, 2, 2, 2),
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Flat_LargePlane_MatchesPlainLoop(string geometry)
    {
        var (input, outC, k, stride, pad, dil) = Cases[geometry];
        var b = new SpecBuilder(input, seed: 17);
        b.Conv(outC, [k, k], strides: [stride, stride], padsBegin: [pad, pad], padsEnd: [pad, pad], dilations: [dil, dil]);
        b.Op(OpKind.Flatten);
        var layer = (LinearLayer)Model.FromSpec(b.Build()).Layers[1]!;
        int inC = input[0], h = input[1], w = input[2];
        int oh = layer.OutputShape[1], ow = layer.OutputShape[2];
        Assert.True(layer.OutputSize >= PrunedLrp.Pruning.PassHalves.From, $"{geometry}: output of {layer.OutputSize} entries runs in one pass");
        const int batch = 2;
        var rng = new Random(5);
        var rOut = new float[batch * layer.OutputSize];
        for (int i = 0; i < rOut.Length; i++)
            rOut[i] = (float)(rng.NextDouble() * 2 - 0.5);
        var x = new float[batch * layer.InputSize]; // Flat reads no input; zeros make that visible
        var step = new Flat().Bind(layer, inputNonNegative: true);
        var rIn = new float[x.Length];
        var args = new RelevanceArgs { Batch = batch, X = x, ROut = rOut, RIn = rIn, Scratch = new float[step.ScratchLength(batch)] };
        step.Backward(ref args);

        for (int n = 0; n < batch; n++)
        {
            var expected = new double[layer.InputSize];
            for (int o = 0; o < outC; o++)
            for (int py = 0; py < oh; py++)
            for (int px = 0; px < ow; px++)
            {
                int taps = 0;
                for (int u = 0; u < k; u++)
                for (int v = 0; v < k; v++)
                    taps += Inside(py * stride - pad + u * dil, h) && Inside(px * stride - pad + v * dil, w) ? 1 : 0;
                double den = inC * taps + 1e-6; // Flat's bias is 0, so den >= 0 and stab adds +eps
                double share = rOut[n * layer.OutputSize + (o * oh + py) * ow + px] / den;
                for (int c = 0; c < inC; c++)
                for (int u = 0; u < k; u++)
                for (int v = 0; v < k; v++)
                {
                    int iy = py * stride - pad + u * dil, ix = px * stride - pad + v * dil;
                    if (Inside(iy, h) && Inside(ix, w))
                        expected[(c * h + iy) * w + ix] += share;
                }
            }
            Compare.Close(rIn.AsSpan(n * layer.InputSize, layer.InputSize), expected, 1e-5, $"{geometry} sample {n}");
        }
    }

    static bool Inside(int i, int length) => (uint)i < (uint)length;
}
