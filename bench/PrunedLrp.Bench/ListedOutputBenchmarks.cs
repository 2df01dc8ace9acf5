using BenchmarkDotNet.Attributes;
using PrunedLrp.Kernels;
using PrunedLrp.Layers;

namespace PrunedLrp.Bench;

/// <summary>
/// A ZPlus step's two products on one ResNet-50 layer (3x3, 64 channels, 56x56): dense (the baseline: W+ forward for the
/// denominators, then the transposed product with its factor) against the listed-output products
/// (<see cref="ListedOutputConv"/>) at shares of non-zero relevance around the switch (1/192 of the output).
/// </summary>
[MemoryDiagnoser]
public class ListedOutputBenchmarks
{
    static readonly ConvShape Shape = new(64, 64, 1, 56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 56, 56);
    ConvOperator? _positive;
    float[] _w = [], _x = [], _z = [], _dx = [], _bias = [], _scratch = [], _values = [];
    int[] _listed = [];

    /// <summary>Non-zero share of the relevance at the layer's output, in 1/10,000 (10 = 0.1%).</summary>
    [Params(10, 50, 100)]
    public int ShareOf10000 { get; set; }

    /// <summary>Random weights and input; a seeded random list of the given share.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _w = GemmBenchmarks.Random(rng, Shape.WeightSize);
        _positive = new ConvOperator(Shape, WeightVariants.Modify(_w, WeightVariant.Positive, 0f));
        _x = GemmBenchmarks.Random(rng, Shape.InSize).Select(Math.Abs).ToArray();
        _z = new float[Shape.OutSize];
        _dx = new float[Shape.InSize];
        _bias = new float[Shape.OutChannels];
        _scratch = new float[_positive.ScratchLength(1)];
        int count = Math.Max(1, Shape.OutSize * ShareOf10000 / 10_000);
        _listed = Enumerable.Range(0, Shape.OutSize).OrderBy(_ => rng.Next()).Take(count).Order().ToArray();
        _values = new float[count];
    }

    /// <summary>Both dense products (what the step runs without lists).</summary>
    [Benchmark(Baseline = true)]
    public void Dense()
    {
        _positive!.Forward(_x, _bias, _z, 1, _scratch);
        _positive.BackwardData(_z, _dx, 1, _scratch, _x);
    }

    /// <summary>Both listed products.</summary>
    [Benchmark]
    public void Listed()
    {
        ListedOutputConv.At(Shape, _w, WeightMap.Positive, _x, _listed, _bias, _values);
        ListedOutputConv.Transposed(Shape, _w, WeightMap.Positive, _listed, _values, _dx);
    }
}
