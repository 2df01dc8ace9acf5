using System.Diagnostics;
using PrunedLrp.Kernels;

namespace PrunedLrp.Bench;

/// <summary>
/// Fast GFLOP/s table (Stopwatch, best and median of N samples of ~20 ms; "per CPU-s" divides by the process CPU time
/// instead, which is robust against other processes taking our time slices) in the same format as
/// tools/bench/gemm_openblas.py, for back-to-back comparisons on a shared machine where a full BenchmarkDotNet run is
/// too slow. Usage: <c>dotnet run -c Release -- quick [repeats] [filter]</c>.
/// </summary>
internal static class QuickGemm
{
    public static void Run(int repeats, string? filter)
    {
        Console.WriteLine($"PrunedLrp Gemm, FMA={Gemm.IsFmaAccelerated}, cores={Environment.ProcessorCount}, repeats={repeats}");
        Console.WriteLine("| shape | M | N | K | best GFLOP/s | median GFLOP/s | best GFLOP per CPU-s | packed-A best | packed-A median |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in GemmShape.All)
        {
            if (filter != null && !s.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)) continue;
            var rng = new Random(1);
            var a = GemmBenchmarks.Random(rng, s.M * s.K);
            var b = GemmBenchmarks.Random(rng, s.K * s.N);
            var c = new float[s.M * s.N];
            var packed = PackedMatrix.PackLeft(false, s.M, s.K, a, s.K);
            var (best, median, cpu) = Time(s, repeats, () => Gemm.Multiply(false, false, s.M, s.N, s.K, a, s.K, b, s.N, c, s.N, false));
            var (pBest, pMedian, _) = Time(s, repeats, () => Gemm.Multiply(packed, false, s.N, b, s.N, c, s.N, false));
            Console.WriteLine($"| {s.Name} | {s.M} | {s.N} | {s.K} | {best:F1} | {median:F1} | {cpu:F1} | {pBest:F1} | {pMedian:F1} |");
        }
    }

    static (double Best, double Median, double BestPerCpuSecond) Time(GemmShape s, int repeats, Action op)
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        int inner = Math.Max(1, (int)(2e9 / s.Flop));
        for (int i = 0; i < Math.Min(inner, 3); i++) op();
        var rates = new double[repeats];
        double bestCpu = 0;
        for (int r = 0; r < repeats; r++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < inner; i++) op();
            double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds / inner;
            process.Refresh();
            double cpuSeconds = (process.TotalProcessorTime - cpu0).TotalSeconds / inner;
            rates[r] = s.Flop / seconds / 1e9;
            bestCpu = Math.Max(bestCpu, s.Flop / cpuSeconds / 1e9);
        }
        Array.Sort(rates);
        return (rates[^1], rates[repeats / 2], bestCpu);
    }
}
