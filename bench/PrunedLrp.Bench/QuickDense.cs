using System.Diagnostics;
using PrunedLrp.Kernels;

namespace PrunedLrp.Bench;

/// <summary>
/// Batch-1 <see cref="DenseOperator"/> (a matrix-vector product: streams the packed weights once) in ms and GB/s of
/// weights read, on the shapes of tools/bench/gemv_openblas.py. Usage: <c>quick-dense [repeats]</c>.
/// </summary>
internal static class QuickDense
{
    public static readonly (int Out, int In)[] Shapes = [(1000, 4096), (4096, 4096), (4096, 25088)];

    public static void Run(int repeats)
    {
        Console.WriteLine($"PrunedLrp DenseOperator, batch 1, cores={Environment.ProcessorCount}, repeats={repeats}");
        Console.WriteLine("| out x in | forward ms | forward GB/s | backward ms | backward GB/s |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (o, i) in Shapes)
        {
            var rng = new Random(1);
            var op = new DenseOperator(o, i, GemmBenchmarks.Random(rng, o * i));
            var x = GemmBenchmarks.Random(rng, i);
            var y = new float[o];
            var bias = GemmBenchmarks.Random(rng, o);
            double f = Best(repeats, () => op.Forward(x, bias, y, 1));
            double b = Best(repeats, () => op.BackwardData(y, x, 1));
            double bytes = 4.0 * o * i;
            Console.WriteLine($"| {o} x {i} | {f * 1e3:F2} | {bytes / f / 1e9:F1} | {b * 1e3:F2} | {bytes / b / 1e9:F1} |");
        }
    }

    static double Best(int repeats, Action op)
    {
        op();
        double best = double.MaxValue;
        for (int r = 0; r < repeats; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int k = 0; k < 10; k++) op();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds / 10);
        }
        return best;
    }
}
