using System.Diagnostics;

namespace PrunedLrp.Cli;

/// <summary>Progress lines on stderr for long runs (at most one a second, and only after the first second).</summary>
internal static class Progress
{
    static readonly Stopwatch Clock = Stopwatch.StartNew();
    static long _lastMs;

    public static void Report(TextWriter stderr, string what, int done, int total, string unit = "samples")
    {
        long now = Clock.ElapsedMilliseconds;
        if (done < total && now - _lastMs < 1000)
            return;
        if (done == total && now < 1000)
            return;
        _lastMs = now;
        stderr.WriteLine($"{what}: {done}/{total} {unit} ({100.0 * done / total:F0}%)");
    }
}
