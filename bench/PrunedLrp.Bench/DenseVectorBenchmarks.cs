using BenchmarkDotNet.Attributes;
using PrunedLrp.Kernels;

namespace PrunedLrp.Bench;

/// <summary>
/// VGG-16's first classifier layer (4096 x 25088, 411 MB of weights) at batch 1, where both products stream W from
/// memory: the forward (the baseline: one dot product per row) against the relevance pass's transposed product, with
/// every row of dy non-zero and with half of them zero (the rows a ReLU cut, which it skips).
/// </summary>
[MemoryDiagnoser]
public class DenseVectorBenchmarks
{
    const int Out = 4096, In = 25088;
    DenseOperator? _op;
    float[] _x = [], _y = [], _dyHalf = [], _bias = [];

    /// <summary>Seeded random weights and vectors.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _op = new DenseOperator(Out, In, GemmBenchmarks.Random(rng, Out * In));
        _x = GemmBenchmarks.Random(rng, In);
        _y = GemmBenchmarks.Random(rng, Out);
        _bias = GemmBenchmarks.Random(rng, Out);
        _dyHalf = _y.Select((v, j) => j % 2 == 0 ? 0f : v).ToArray();
    }

    /// <summary>y = W x + b: reads W once, four rows at a time.</summary>
    [Benchmark(Baseline = true)]
    public void Forward() => _op!.Forward(_x, _bias, _y, 1);

    /// <summary>dx = W^T dy, every row of dy non-zero: reads W once.</summary>
    [Benchmark]
    public void Transposed() => _op!.BackwardData(_y, _x, 1);

    /// <summary>dx = W^T dy with every other row of dy zero: reads half of W.</summary>
    [Benchmark]
    public void TransposedHalfRowsZero() => _op!.BackwardData(_dyHalf, _x, 1);
}
