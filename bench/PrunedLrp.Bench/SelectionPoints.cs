using System.Diagnostics;
using System.Globalization;
using PrunedLrp.Pruning;

namespace PrunedLrp.Bench;

/// <summary>
/// `selection MODEL [repeats]`: the mass selection (p = 0.9) on a model's real pruning-point relevance (one
/// epsilon-plus-flat explain of a seeded random input), one thread against each sign on its own kernel thread, timed
/// alternately in one process over all points (medians of the per-round totals).
/// </summary>
internal static class SelectionPoints
{
    public static void Run(string path, int repeats)
    {
        var points = PointRelevance.Of(path);
        int largest = points.Max(p => p.Length);
        var keep = new bool[largest];
        var scratch = new float[RelevanceSelection.BothSignsScratchLength(largest)];
        var one = new double[repeats];
        var both = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            one[r] = Time(points, keep, scratch, bothThreads: r % 2 == 1);
            both[r] = Time(points, keep, scratch, bothThreads: r % 2 == 0);
            if (r % 2 == 1) (one[r], both[r]) = (both[r], one[r]);
        }
        Array.Sort(one);
        Array.Sort(both);
        long entries = points.Sum(p => (long)p.Length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileName(path)}: {points.Length} points, {entries} entries; one thread {one[repeats / 2]:F2} ms, "
            + $"signs on both threads {both[repeats / 2]:F2} ms (medians of {repeats}), ratio {both[repeats / 2] / one[repeats / 2]:F2}"));
    }

    static double Time(float[][] points, bool[] keep, float[] scratch, bool bothThreads)
    {
        long start = Stopwatch.GetTimestamp();
        foreach (var r in points)
        {
            var k = keep.AsSpan(0, r.Length);
            if (bothThreads) RelevanceSelection.SelectByMassOnBothThreads(r, 0.9, 0.9, k, scratch);
            else RelevanceSelection.SelectByMass(r, 0.9, 0.9, k, scratch);
        }
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}
