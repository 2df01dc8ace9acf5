using PrunedLrp.Graph;
using PrunedLrp.Tests.Support;
using Xunit;

namespace PrunedLrp.Tests.Engine;

/// <summary>Max pooling against a brute-force twin: each window's winner is the smallest flat index among its maxima
/// (PyTorch's first-in-scan-order tie rule; padding never wins); relevance goes to the winner (winner takes all).</summary>
public class MaxPoolLayerTests
{
    static readonly Dictionary<string, (int[] In, int[] K, int[] S, int[] Pb, int[] Pe, int[] D, bool Ceil)> Cases = new()
    {
        ["1d k3 s2 p1"] = ([3, 19], [3], [2], [1], [1], [1], false),
        ["1d k3 s1 p1 d2"] = ([2, 12], [3], [1], [1], [1], [2], false),
        ["1d k2 s2 ceil"] = ([2, 11], [2], [2], [0], [0], [1], true),
        ["1d k4 s3 asym p2/1"] = ([1, 14], [4], [3], [2], [1], [1], false),
        ["2d k2 s2"] = ([2, 7, 8], [2, 2], [2, 2], [0, 0], [0, 0], [1, 1], false),
        ["2d k2 s2 vector groups and tail"] = ([2, 9, 37], [2, 2], [2, 2], [0, 0], [0, 0], [1, 1], false),
        ["2d k3 s2 p1 ResNet stem, vector groups"] = ([2, 12, 44], [3, 3], [2, 2], [1, 1], [1, 1], [1, 1], false),
        ["2d k3 s1 p1 vector groups"] = ([2, 5, 30], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], false),
        ["1d k5 s2 vector groups"] = ([2, 61], [5], [2], [2], [1], [1], false),
        ["2d k2 s2 width 32"] = ([3, 6, 32], [2, 2], [2, 2], [0, 0], [0, 0], [1, 1], false),
        ["2d k3 s2 p1 d2 ceil"] = ([2, 9, 10], [3, 3], [2, 2], [1, 1], [1, 1], [2, 2], true),
        ["2d k3x2 s1x2 asym"] = ([3, 6, 7], [3, 2], [1, 2], [1, 0], [1, 1], [1, 1], false),
        ["2d k3 s1 p1 overlap"] = ([1, 5, 5], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], false),
    };

    public static TheoryData<string, bool> All()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in Cases.Keys)
            foreach (bool masked in new[] { false, true })
                data.Add(name, masked);
        return data;
    }

    [Theory]
    [MemberData(nameof(All))]
    public void ForwardAndWinnerTakesAll_MatchBruteForce(string name, bool masked)
    {
        var c = Cases[name];
        var b = new SpecBuilder(c.In, seed: name.Length);
        b.Pool(OpKind.MaxPool, c.K, c.S, c.Pb, c.Pe, ceil: c.Ceil, dilations: c.D);
        var (layer, spec) = LayerHarness.Compile(b, 1);
        for (int a = 0; a < c.K.Length; a++)
            Assert.Equal(PoolReference.OutLength(c.In[a + 1], c.K[a], c.S[a], c.Pb[a], c.Pe[a], c.D[a], c.Ceil), layer.OutputShape[a + 1]);

        const int batch = 2;
        var random = new Random(name.Length * 13 + (masked ? 1 : 0));
        // Few distinct values, all negative in places: many ties, and windows where only padding would beat the inputs.
        var x = Enumerable.Range(0, batch * layer.InputSize).Select(_ => (float)random.Next(-3, 2)).ToArray();
        var y = LayerHarness.Forward(layer, x, batch);
        var rOut = LayerHarness.Uniform(random, y.Length, -1, 1);
        var mask = masked ? LayerHarness.Mask(random, x.Length) : null;
        var (rIn, _) = LayerHarness.Backward(layer, x, y, rOut, batch, mask);
        int ties = 0;
        for (int n = 0; n < batch; n++)
        {
            var xn = LayerHarness.Sample(x, n, layer.InputSize);
            var winners = PoolReference.MaxWinners(spec.Nodes[1], c.In, layer.OutputShape, xn);
            var windows = PoolReference.Windows(spec.Nodes[1], c.In, layer.OutputShape);
            var expected = new double[layer.InputSize];
            for (int j = 0; j < winners.Length; j++)
            {
                Assert.Equal(xn[winners[j]], y[n * layer.OutputSize + j]);
                expected[winners[j]] += rOut[n * layer.OutputSize + j];
                ties += windows[j].Count(i => xn[i] == xn[winners[j]]) > 1 ? 1 : 0;
            }
            if (mask is not null)
            {
                for (int i = 0; i < expected.Length; i++)
                    expected[i] *= mask[n * layer.InputSize + i];
            }
            Compare.Close(rIn.AsSpan(n * layer.InputSize, layer.InputSize), expected, 1e-6, $"{name} relevance");
        }
        Assert.True(ties > 0, "the case should contain windows with tied maxima");
    }

    [Fact]
    public void NegativeInfinity_AtTheBorder_TheFirstTapInsideWins()
    {
        // Border groups run 8 windows at a time on copies of their rows with -inf outside the input; a window whose
        // maximum is a real -inf must still go to its first tap inside the input, as the scalar scan and PyTorch do.
        var b = new SpecBuilder([1, 6, 40], seed: 5);
        b.Pool(OpKind.MaxPool, [3, 3], [2, 2], [1, 1], [1, 1]);
        var (layer, spec) = LayerHarness.Compile(b, 1);
        var random = new Random(6);
        var x = Enumerable.Range(0, layer.InputSize).Select(_ => (float)random.Next(-3, 2)).ToArray();
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 4; j++)
                x[i * 40 + j] = float.NegativeInfinity; // top-left windows: nothing but -inf inside the input
        for (int j = 30; j < 40; j++)
            x[5 * 40 + j] = float.NegativeInfinity;  // the last row's right end
        var y = LayerHarness.Forward(layer, x, 1);
        var rOut = LayerHarness.Uniform(random, y.Length, -1, 1);
        var (rIn, _) = LayerHarness.Backward(layer, x, y, rOut, 1);
        var winners = PoolReference.MaxWinners(spec.Nodes[1], [1, 6, 40], layer.OutputShape, Array.ConvertAll(x, v => (double)v));
        var expected = new double[layer.InputSize];
        for (int j = 0; j < winners.Length; j++)
        {
            Assert.Equal(x[winners[j]], y[j]);
            expected[winners[j]] += rOut[j];
        }
        Assert.Equal(float.NegativeInfinity, y[0]);
        Compare.Close(rIn, expected, 1e-6, "relevance");
    }

    [Fact]
    public void Ties_FirstMaximumInScanOrderWins()
    {
        // Window [5, 5, 5]: PyTorch's gradient goes to the first 5 only.
        var b = new SpecBuilder([1, 6], seed: 2);
        b.Pool(OpKind.MaxPool, [3], [3]);
        var (layer, _) = LayerHarness.Compile(b, 1);
        float[] x = [5, 5, 5, -1, 2, 2];
        var y = LayerHarness.Forward(layer, x, 1);
        Assert.Equal([5f, 2f], y);
        var (rIn, _) = LayerHarness.Backward(layer, x, y, [1f, 3f], 1);
        Assert.Equal([1f, 0, 0, 0, 3f, 0], rIn);
    }

    [Fact]
    public void NaN_InAVectorGroup_WinsItsWindow()
    {
        // 2x2 stride-2 pools run 8 windows at a time; a NaN sends its group to the scalar scan, where NaN wins.
        var b = new SpecBuilder([1, 2, 16], seed: 4);
        b.Pool(OpKind.MaxPool, [2, 2], [2, 2]);
        var (layer, _) = LayerHarness.Compile(b, 1);
        var x = Enumerable.Range(0, 32).Select(i => (float)(i % 5)).ToArray();
        x[16 + 5] = float.NaN; // row 1, column 5: window 2
        var y = LayerHarness.Forward(layer, x, 1);
        Assert.True(float.IsNaN(y[2]));
        Assert.Equal(Math.Max(Math.Max(x[0], x[1]), Math.Max(x[16], x[17])), y[0]);
        var rOut = Enumerable.Range(1, 8).Select(i => (float)i).ToArray();
        var (rIn, _) = LayerHarness.Backward(layer, x, y, rOut, 1);
        Assert.Equal(3f, rIn[16 + 5]);
        Assert.Equal(rOut.Sum(), rIn.Sum());
    }

    [Fact]
    public void Padding_NeverWins_OverNegativeInputs()
    {
        var b = new SpecBuilder([1, 4], seed: 3);
        b.Pool(OpKind.MaxPool, [3], [1], [1], [1]);
        var (layer, _) = LayerHarness.Compile(b, 1);
        float[] x = [-2, -3, -4, -1];
        Assert.Equal([-2f, -2f, -1f, -1f], LayerHarness.Forward(layer, x, 1));
    }
}
