using BenchmarkDotNet.Attributes;
using PrunedLrp.Kernels;

namespace PrunedLrp.Bench;

/// <summary><see cref="ConvOperator"/> Forward and BackwardData on one sample (GFLOP/s = <see cref="ConvCase.Flop"/> / time).</summary>
[MemoryDiagnoser]
public class ConvBenchmarks
{
    ConvOperator? _op;
    float[] _x = [], _y = [], _bias = [], _scratch = [];

    /// <summary>The layer.</summary>
    [ParamsSource(nameof(Cases))]
    public ConvCase Case { get; set; } = ConvCase.All[0];

    /// <summary>All layers.</summary>
    public static IEnumerable<ConvCase> Cases => ConvCase.All;

    /// <summary>Random weights and input.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        var s = Case.Shape;
        _op = new ConvOperator(s, GemmBenchmarks.Random(rng, s.WeightSize));
        _x = GemmBenchmarks.Random(rng, s.InSize);
        _y = GemmBenchmarks.Random(rng, s.OutSize);
        _bias = GemmBenchmarks.Random(rng, s.OutChannels);
        _scratch = new float[_op.ScratchLength(1)];
    }

    /// <summary>y = conv(x) + b.</summary>
    [Benchmark]
    public void Forward() => _op!.Forward(_x, _bias, _y, 1, _scratch);

    /// <summary>dx = conv^T(dy).</summary>
    [Benchmark]
    public void BackwardData() => _op!.BackwardData(_y, _x, 1, _scratch);
}
