using System.Diagnostics;
using System.Globalization;
using PrunedLrp.Kernels;

namespace PrunedLrp.Bench;

/// <summary>`quick-handover [repeats]`: the cost of one two-thread kernel call, <see cref="KernelWorker.TryRun"/>
/// with two chunks of a fixed amount of work each, against the same work run twice on the calling thread.</summary>
internal static unsafe class QuickHandOver
{
    static void Spin(void* context, int chunk)
    {
        // About `*(int*)context` dependent multiply-adds: a fixed amount of core-local work.
        double x = 1.0 + chunk;
        for (int i = 0, n = *(int*)context; i < n; i++)
            x = x * 0.999999 + 1e-9;
        if (x == 42.0) Console.Write(""); // keeps the loop
    }

    public static void Run(int repeats)
    {
        Console.WriteLine("| work per chunk (iterations) | one thread, two chunks (µs) | TryRun, two chunks (µs) | refused calls |");
        Console.WriteLine("|---:|---:|---:|---:|");
        foreach (int work in new[] { 0, 1_000, 10_000, 100_000 })
        {
            int w = work;
            int calls = work == 0 ? 20_000 : Math.Max(200, 20_000_000 / Math.Max(1, work));
            double alone = double.MaxValue, paired = double.MaxValue;
            int refused = 0;
            for (int r = 0; r < repeats; r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < calls; i++) { Spin(&w, 0); Spin(&w, 1); }
                alone = Math.Min(alone, Stopwatch.GetElapsedTime(t0).TotalMicroseconds / calls);
                t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < calls; i++)
                    if (!KernelWorker.TryRun(&Spin, &w, 2)) { refused++; Spin(&w, 0); Spin(&w, 1); }
                paired = Math.Min(paired, Stopwatch.GetElapsedTime(t0).TotalMicroseconds / calls);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {work} | {alone:F2} | {paired:F2} | {refused} |"));
        }
    }
}
