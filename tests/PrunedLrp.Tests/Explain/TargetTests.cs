using PrunedLrp.Composites;
using PrunedLrp.Rules;
using Xunit;

namespace PrunedLrp.Tests.Explain;

/// <summary>Target selection: arg-max by default, one class for all samples, one per sample; invalid targets throw.
/// The bias-free LRP-0 network conserves, so sum(R) identifies the seeded logit.</summary>
public class TargetTests
{
    const int Batch = 4;
    static readonly int[] PerSample = [3, 0, 4, 1];
    readonly Model _model = Model.FromSpec(TestModels.DenseChain(seed: 31, bias: false));
    readonly Explainer _explainer;
    readonly float[] _x;
    readonly float[] _logits;

    public TargetTests()
    {
        _explainer = new Explainer(_model, new Composite { Dense = new Epsilon(0f), Conv = new Epsilon(0f) });
        _x = TestModels.Input(_model, Batch, seed: 32);
        _logits = _model.Predict(_x);
    }

    void AssertSeeded(float[] relevance, int[] expectedTargets)
    {
        Assert.Equal(expectedTargets, _explainer.Targets.ToArray());
        int classes = _model.OutputSize;
        for (int n = 0; n < Batch; n++)
        {
            double sum = relevance.AsSpan(n * _model.InputSize, _model.InputSize).ToArray().Sum(v => (double)v);
            double logit = _logits[n * classes + expectedTargets[n]];
            Assert.True(Math.Abs(sum - logit) <= 1e-4 * Math.Abs(logit) + 1e-6, $"sample {n}: sum(R) {sum} vs logit {logit}");
        }
    }

    [Fact]
    public void Default_IsArgMaxPerSample()
    {
        int classes = _model.OutputSize;
        var argMax = Enumerable.Range(0, Batch)
            .Select(n => Enumerable.Range(0, classes).MaxBy(c => _logits[n * classes + c])).ToArray();
        Assert.True(argMax.Distinct().Count() > 1, "samples should have different arg-max classes");
        var r = new float[_x.Length];
        _explainer.Explain(_x, [], r);
        AssertSeeded(r, argMax);
    }

    [Fact]
    public void OneTarget_AppliesToEverySample()
    {
        var r = new float[_x.Length];
        _explainer.Explain(_x, [2], r);
        AssertSeeded(r, [2, 2, 2, 2]);
    }

    [Fact]
    public void OneTargetPerSample()
    {
        var r = new float[_x.Length];
        _explainer.Explain(_x, PerSample, r);
        AssertSeeded(r, PerSample);
        // The same as explaining each sample alone for its target.
        for (int n = 0; n < Batch; n++)
        {
            var alone = _explainer.Explain(_x.AsSpan(n * _model.InputSize, _model.InputSize), PerSample[n]);
            Support.Compare.Close(r.AsSpan(n * _model.InputSize, _model.InputSize), alone, 1e-6, $"sample {n}");
        }
    }

    [Theory]
    [InlineData(new[] { 5 })]
    [InlineData(new[] { -1 })]
    [InlineData(new[] { 0, 9, 1, 1 })]
    [InlineData(new[] { 0, 1, 2, int.MinValue })]
    public void OutOfRangeTarget_Throws(int[] targets)
    {
        var r = new float[_x.Length];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _explainer.Explain(_x, targets, r));
        Assert.Contains("target", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongTargetCount_Throws()
    {
        var r = new float[_x.Length];
        Assert.Throws<ArgumentException>(() => _explainer.Explain(_x, [1, 2], r));
    }
}
