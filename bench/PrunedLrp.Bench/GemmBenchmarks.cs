using BenchmarkDotNet.Attributes;
using PrunedLrp.Kernels;

namespace PrunedLrp.Bench;

/// <summary>
/// <see cref="Gemm"/> on square and VGG-16 conv-as-GEMM shapes. GFLOP/s = <see cref="GemmShape.Flop"/> / mean time;
/// the `quick` mode of Program prints it directly.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    float[] _a = [], _b = [], _c = [];
    PackedMatrix? _packed;

    /// <summary>The product shape.</summary>
    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = GemmShape.All[0];

    /// <summary>All shapes.</summary>
    public static IEnumerable<GemmShape> Shapes => GemmShape.All;

    /// <summary>Random operands.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _a = Random(rng, Shape.M * Shape.K);
        _b = Random(rng, Shape.K * Shape.N);
        _c = new float[Shape.M * Shape.N];
        _packed = PackedMatrix.PackLeft(false, Shape.M, Shape.K, _a, Shape.K);
    }

    /// <summary>C = A B, both operands packed per call.</summary>
    [Benchmark(Baseline = true)]
    public void Multiply() => Gemm.Multiply(false, false, Shape.M, Shape.N, Shape.K, _a, Shape.K, _b, Shape.N, _c, Shape.N, false);

    /// <summary>C = A B with A pre-packed (how ConvOperator uses its weights).</summary>
    [Benchmark]
    public void MultiplyPackedA() => Gemm.Multiply(_packed!, false, Shape.N, _b, Shape.N, _c, Shape.N, false);

    internal static float[] Random(Random rng, int length)
    {
        var x = new float[length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}
