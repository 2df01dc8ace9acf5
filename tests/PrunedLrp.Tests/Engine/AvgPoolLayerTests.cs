using PrunedLrp.Graph;
using PrunedLrp.Tests.Rules;
using PrunedLrp.Tests.Support;
using Xunit;

namespace PrunedLrp.Tests.Engine;

/// <summary>Average pooling against its explicit matrix (1/divisor entries from PyTorch's divisor definition): forward
/// = M x, Norm relevance = Epsilon(eps 1e-6) on M with zero bias, with and without a PLRP-M mask.</summary>
public class AvgPoolLayerTests
{
    // input shape, kernel, strides, pads begin, pads end, ceil mode
    static readonly Dictionary<string, (int[] In, int[] K, int[] S, int[] Pb, int[] Pe, bool Ceil)> Cases = new()
    {
        ["1d k3 s2 p1"] = ([3, 17], [3], [2], [1], [1], false),
        ["1d k4 s3 asym p2/1"] = ([2, 16], [4], [3], [2], [1], false),
        ["1d k3 s2 ceil"] = ([2, 10], [3], [2], [0], [0], true),
        ["1d k2 s2 p1 ceil"] = ([1, 9], [2], [2], [1], [1], true),
        ["1d k5 s1 p2"] = ([2, 7], [5], [1], [2], [2], false),
        ["2d k3 s2 p1"] = ([2, 7, 6], [3, 3], [2, 2], [1, 1], [1, 1], false),
        ["2d k2x3 s1x2 asym"] = ([3, 6, 7], [2, 3], [1, 2], [1, 0], [0, 1], false),
        ["2d k3 s3 p1 ceil"] = ([1, 8, 10], [3, 3], [3, 3], [1, 1], [1, 1], true),
        ["2d k3x2 s2 asym ceil"] = ([2, 9, 7], [3, 2], [2, 2], [1, 1], [1, 0], true),
        ["2d k2 s2"] = ([4, 6, 6], [2, 2], [2, 2], [0, 0], [0, 0], false),
    };

    public static TheoryData<string, bool, bool> All()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var name in Cases.Keys)
            foreach (bool includePad in new[] { true, false })
                foreach (bool masked in new[] { false, true })
                    data.Add(name, includePad, masked);
        return data;
    }

    [Theory]
    [MemberData(nameof(All))]
    public void ForwardAndNorm_MatchExplicitMatrix(string name, bool countIncludePad, bool masked)
    {
        var c = Cases[name];
        var b = new SpecBuilder(c.In, seed: name.Length);
        b.Pool(OpKind.AvgPool, c.K, c.S, c.Pb, c.Pe, countIncludePad, c.Ceil);
        var (layer, spec) = LayerHarness.Compile(b, 1);
        for (int a = 0; a < c.K.Length; a++)
            Assert.Equal(PoolReference.OutLength(c.In[a + 1], c.K[a], c.S[a], c.Pb[a], c.Pe[a], 1, c.Ceil), layer.OutputShape[a + 1]);

        var matrix = PoolReference.Average(spec.Nodes[1], c.In, layer.OutputShape);
        const int batch = 3;
        var random = new Random(name.GetHashCode(StringComparison.Ordinal) & 0xffff);
        var x = LayerHarness.ReluLike(random, batch * layer.InputSize);
        var y = LayerHarness.Forward(layer, x, batch);
        var rOut = LayerHarness.Uniform(random, y.Length, -0.5, 1);
        var mask = masked ? LayerHarness.Mask(random, x.Length) : null;
        var (rIn, _) = LayerHarness.Backward(layer, x, y, rOut, batch, mask);
        for (int n = 0; n < batch; n++)
        {
            var xn = LayerHarness.Sample(x, n, layer.InputSize);
            Compare.Close(y.AsSpan(n * layer.OutputSize, layer.OutputSize), PoolReference.Apply(matrix, xn), 1e-6, $"{name} forward");
            var expected = ReferenceRules.Epsilon(matrix, xn, LayerHarness.Sample(rOut, n, layer.OutputSize), 1e-6,
                mask is null ? null : LayerHarness.Sample(mask, n, layer.InputSize));
            Compare.Close(rIn.AsSpan(n * layer.InputSize, layer.InputSize), expected, 1e-5, $"{name} relevance");
        }
        if (mask is not null)
        {
            for (int i = 0; i < x.Length; i++)
            {
                if (mask[i] == 0)
                    Assert.Equal(0f, rIn[i]);
            }
        }
    }

    [Fact]
    public void CountIncludePad_ChangesOnlyBorderDivisors()
    {
        // A constant input of ones: without count_include_pad every window averages to exactly 1; with it, a border
        // window with t taps in the padding averages to (k - t) / k.
        var b = new SpecBuilder([1, 5], seed: 1);
        b.Pool(OpKind.AvgPool, [3], [1], [1], [1], countIncludePad: true);
        var (withPad, _) = LayerHarness.Compile(b, 1);
        var b2 = new SpecBuilder([1, 5], seed: 1);
        b2.Pool(OpKind.AvgPool, [3], [1], [1], [1], countIncludePad: false);
        var (withoutPad, _) = LayerHarness.Compile(b2, 1);
        var ones = Enumerable.Repeat(1f, 5).ToArray();
        Assert.Equal([2f / 3, 1, 1, 1, 2f / 3], LayerHarness.Forward(withPad, ones, 1));
        Assert.Equal([1f, 1, 1, 1, 1], LayerHarness.Forward(withoutPad, ones, 1));
    }
}
