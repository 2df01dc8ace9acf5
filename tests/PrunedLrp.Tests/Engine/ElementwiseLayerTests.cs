using PrunedLrp.Graph;
using PrunedLrp.Tests.Rules;
using PrunedLrp.Tests.Support;
using Xunit;

namespace PrunedLrp.Tests.Engine;

/// <summary>Global average pool and residual Add (Norm rule) against explicit formulas; ReLU, Flatten and Affine
/// forward against their definitions and their Pass relevance (times the PLRP-M mask).</summary>
public class ElementwiseLayerTests
{
    [Theory]
    [InlineData(new[] { 3, 5, 4 }, false)]
    [InlineData(new[] { 3, 5, 4 }, true)]
    [InlineData(new[] { 4, 9 }, false)]
    [InlineData(new[] { 4, 9 }, true)]
    [InlineData(new[] { 2, 1, 1 }, true)]
    public void GlobalAvgPool_MatchesOneOverPMatrix(int[] shape, bool masked)
    {
        var b = new SpecBuilder(shape, seed: 5);
        b.Op(OpKind.GlobalAvgPool);
        var (layer, _) = LayerHarness.Compile(b, 1);
        int channels = shape[0], positions = layer.InputSize / channels;
        var matrix = PoolReference.GlobalAverage(channels, positions);
        const int batch = 3;
        var random = new Random(shape.Sum() + (masked ? 100 : 0));
        var x = LayerHarness.ReluLike(random, batch * layer.InputSize);
        var y = LayerHarness.Forward(layer, x, batch);
        var rOut = LayerHarness.Uniform(random, y.Length, -0.5, 1);
        var mask = masked ? LayerHarness.Mask(random, x.Length) : null;
        var (rIn, _) = LayerHarness.Backward(layer, x, y, rOut, batch, mask);
        for (int n = 0; n < batch; n++)
        {
            var xn = LayerHarness.Sample(x, n, layer.InputSize);
            Compare.Close(y.AsSpan(n * channels, channels), PoolReference.Apply(matrix, xn), 1e-6, "gap forward");
            var expected = ReferenceRules.Epsilon(matrix, xn, LayerHarness.Sample(rOut, n, channels), 1e-6,
                mask is null ? null : LayerHarness.Sample(mask, n, layer.InputSize));
            Compare.Close(rIn.AsSpan(n * layer.InputSize, layer.InputSize), expected, 1e-5, "gap relevance");
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Add_NormSharesByBranchContribution(bool maskA, bool maskB)
    {
        var b = new SpecBuilder([3, 7], seed: 6);
        b.Op(OpKind.Relu);
        b.Op(OpKind.Add, 0, 1);
        var (layer, _) = LayerHarness.Compile(b, 2);
        const int batch = 2;
        var random = new Random(7 + (maskA ? 1 : 0) + (maskB ? 2 : 0));
        int n = batch * layer.InputSize;
        var a = LayerHarness.Uniform(random, n, -1, 1);
        var c = LayerHarness.Uniform(random, n, -1, 1);
        a[3] = 0; c[3] = 0; // a zero sum: stab(0) = +1e-6, and both shares are 0
        var z = LayerHarness.Forward(layer, a, batch, c);
        for (int i = 0; i < n; i++)
            Assert.Equal(a[i] + c[i], z[i]);
        var rOut = LayerHarness.Uniform(random, n, -1, 1);
        var ma = maskA ? LayerHarness.Mask(random, n) : null;
        var mb = maskB ? LayerHarness.Mask(random, n) : null;
        var (rA, rB) = LayerHarness.Backward(layer, a, z, rOut, batch, ma, c, mb);
        var expectedA = new double[n];
        var expectedB = new double[n];
        for (int i = 0; i < n; i++)
        {
            double av = a[i] * (ma?[i] ?? 1), bv = c[i] * (mb?[i] ?? 1);
            double sum = av + bv;
            double s = rOut[i] / (sum >= 0 ? sum + 1e-6 : sum - 1e-6);
            expectedA[i] = av * s;
            expectedB[i] = bv * s;
        }
        Compare.Close(rA, expectedA, 1e-5, "R_a");
        Compare.Close(rB!, expectedB, 1e-5, "R_b");
        if (!maskA && !maskB)
        {
            // Norm conserves wherever the sum is not tiny: R_a + R_b = R * (a + b) / stab(a + b).
            for (int i = 0; i < n; i++)
            {
                if (Math.Abs(a[i] + c[i]) > 1e-2)
                    Assert.Equal(rOut[i], rA[i] + rB![i], 1e-3);
            }
        }
    }

    /// <summary>The sum with its ReLU in one pass (the predictor's fused node) is bit for bit max(a + b, 0) of the plain
    /// sum, at every length past the vector tails, with zeros of both signs and NaN.</summary>
    [Fact]
    public void Add_ForwardRectified_IsTheSumsRelu()
    {
        for (int size = 1; size <= 257; size += size < 20 ? 1 : 17)
        {
            var b = new SpecBuilder([size], seed: size);
            b.Op(OpKind.Relu);
            b.Op(OpKind.Add, 0, 1);
            var (layer, _) = LayerHarness.Compile(b, 2);
            var random = new Random(size);
            const int batch = 2;
            int n = batch * size;
            var a = LayerHarness.Uniform(random, n, -1, 1);
            var c = LayerHarness.Uniform(random, n, -1, 1);
            a[0] = -0f; c[0] = -0f;         // -0 + -0 = -0, whose ReLU is +0
            a[n - 1] = float.NaN;           // NaN stays NaN
            if (n > 9) { a[9] = 0.5f; c[9] = -0.5f; }
            var expected = LayerHarness.Forward(layer, a, batch, c).Select(v => Math.Max(v, 0f)).ToArray();
            var y = LayerHarness.Uniform(random, n, 5, 6); // stale values must be overwritten
            layer.ForwardRectified(a, c, y, batch, []);
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), y.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Theory]
    [InlineData(OpKind.Relu, false)]
    [InlineData(OpKind.Relu, true)]
    [InlineData(OpKind.Flatten, false)]
    [InlineData(OpKind.Flatten, true)]
    [InlineData(OpKind.Affine, false)]
    [InlineData(OpKind.Affine, true)]
    public void PassLayers_ForwardByDefinition_RelevanceUnchanged(OpKind kind, bool masked)
    {
        int[] shape = [3, 4, 5];
        var b = new SpecBuilder(shape, seed: 8);
        if (kind == OpKind.Affine)
            b.Affine();
        else
            b.Op(kind);
        var (layer, spec) = LayerHarness.Compile(b, 1);
        const int batch = 2;
        var random = new Random((int)kind * 3 + (masked ? 1 : 0));
        var x = LayerHarness.Uniform(random, batch * layer.InputSize, -1, 1);
        var y = LayerHarness.Forward(layer, x, batch);
        Assert.Equal(x.Length, y.Length);
        int positions = layer.InputSize / shape[0];
        for (int i = 0; i < x.Length; i++)
        {
            int channel = i % layer.InputSize / positions;
            float expected = kind switch
            {
                OpKind.Relu => Math.Max(x[i], 0f),
                OpKind.Flatten => x[i],
                _ => (float)((double)x[i] * spec.Nodes[1].Weight.Span[channel] + spec.Nodes[1].Bias.Span[channel]),
            };
            Assert.Equal(expected, y[i], 1e-6f);
        }
        var rOut = LayerHarness.Uniform(random, y.Length, -1, 1);
        var mask = masked ? LayerHarness.Mask(random, x.Length) : null;
        var (rIn, _) = LayerHarness.Backward(layer, x, y, rOut, batch, mask);
        for (int i = 0; i < x.Length; i++)
            Assert.Equal(rOut[i] * (mask?[i] ?? 1f), rIn[i]);
    }
}
