using System.Diagnostics;
using PrunedLrp.Kernels;

namespace PrunedLrp.Bench;

/// <summary>Stopwatch GFLOP/s of <see cref="ConvOperator"/> on <see cref="ConvCase.All"/> (best of N samples of ~20 ms). Usage: <c>quick-conv [repeats] [filter]</c> (filter: only the layers whose name contains it).</summary>
internal static class QuickConv
{
    public static void Run(int repeats, string? filter = null)
    {
        Console.WriteLine($"PrunedLrp ConvOperator, batch 1, cores={Environment.ProcessorCount}, repeats={repeats}");
        Console.WriteLine("| layer | GFLOP | forward ms | forward GFLOP/s | backward ms | backward GFLOP/s |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var c in ConvCase.All)
        {
            if (filter != null && !c.Name.Contains(filter, StringComparison.Ordinal))
                continue;
            var rng = new Random(1);
            var s = c.Shape;
            var op = new ConvOperator(s, GemmBenchmarks.Random(rng, s.WeightSize));
            var x = GemmBenchmarks.Random(rng, s.InSize);
            var y = GemmBenchmarks.Random(rng, s.OutSize);
            var bias = GemmBenchmarks.Random(rng, s.OutChannels);
            var scratch = HugePages.ZeroedArray(op.ScratchLength(1)); // as the workspace allocates it
            double f = Best(c.Flop, repeats, () => op.Forward(x, bias, y, 1, scratch));
            double b = Best(c.Flop, repeats, () => op.BackwardData(y, x, 1, scratch));
            Console.WriteLine($"| {c.Name} | {c.Flop / 1e9:F3} | {f * 1e3:F2} | {c.Flop / f / 1e9:F1} | {b * 1e3:F2} | {c.Flop / b / 1e9:F1} |");
        }
    }

    internal static double Best(double flop, int repeats, Action op)
    {
        int inner = Math.Max(1, (int)(2e9 / flop));
        op();
        double best = double.MaxValue;
        for (int r = 0; r < repeats; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < inner; i++) op();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds / inner);
        }
        return best;
    }
}
