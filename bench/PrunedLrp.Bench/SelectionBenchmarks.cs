using BenchmarkDotNet.Attributes;
using PrunedLrp.Pruning;

namespace PrunedLrp.Bench;

/// <summary>
/// <see cref="RelevanceSelection"/> (quickselect) against the obvious implementation: sort (value, index) pairs of each
/// sign with <see cref="MemoryExtensions.Sort{T}(Span{T})"/>, prefix-sum in double, cut, mark. Both write the same keep
/// set (checked in setup). Input: Gaussian relevance with 10% zeros; mass mode p = 0.9 for both signs, top-k k = n/10.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 6)]
[MemoryDiagnoser]
public class SelectionBenchmarks
{
    float[] _r = [];
    bool[] _keep = [];
    float[] _scratch = [];
    long[] _keys = [];

    /// <summary>Entries per sample.</summary>
    [Params(1_000, 10_000, 100_000, 1_000_000, 10_000_000)]
    public int N { get; set; }

    /// <summary>Builds the input and checks that both implementations agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _r = new float[N];
        for (int i = 0; i < N; i++)
            _r[i] = rng.NextDouble() < 0.1 ? 0f : (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        _keep = new bool[N];
        _scratch = new float[RelevanceSelection.ScratchLength(N)];
        _keys = new long[N];
        MassQuickselect();
        var fast = (bool[])_keep.Clone();
        MassSorted();
        if (!fast.AsSpan().SequenceEqual(_keep))
            throw new InvalidOperationException("mass: quickselect and sort disagree");
        TopKQuickselect();
        fast = (bool[])_keep.Clone();
        TopKSorted();
        if (!fast.AsSpan().SequenceEqual(_keep))
            throw new InvalidOperationException("top-k: quickselect and sort disagree");
    }

    /// <summary>Mass mode, p = 0.9, by quickselect.</summary>
    [Benchmark]
    public int MassQuickselect() => RelevanceSelection.SelectByMass(_r, 0.9, 0.9, _keep, _scratch).KeptPositive;

    /// <summary>Mass mode, p = 0.9, by full sort.</summary>
    [Benchmark(Baseline = true)]
    public int MassSorted()
    {
        Array.Clear(_keep);
        return MassSortedSign(positive: true, 0.9) + MassSortedSign(positive: false, 0.9);
    }

    /// <summary>Top-k, k = n/10, by quickselect.</summary>
    [Benchmark]
    public int TopKQuickselect() => RelevanceSelection.SelectTopK(_r, N / 10, _keep, _scratch).KeptPositive;

    /// <summary>Top-k, k = n/10, by full sort.</summary>
    [Benchmark]
    public int TopKSorted()
    {
        // Key: magnitude bits (ordered like the magnitudes), then n-1-i so that among ties lower indices sort last (kept).
        var r = _r;
        for (int i = 0; i < r.Length; i++)
        {
            float a = float.IsNaN(r[i]) ? 0f : MathF.Abs(r[i]);
            _keys[i] = (long)BitConverter.SingleToInt32Bits(a) << 32 | (uint)(r.Length - 1 - i);
        }
        _keys.AsSpan().Sort();
        Array.Clear(_keep);
        int k = N / 10;
        for (int j = r.Length - k; j < r.Length; j++)
            _keep[r.Length - 1 - (int)(uint)_keys[j]] = true;
        return k;
    }

    /// <summary>One sign by sorting: key = (magnitude bits, index), ascending; prune the longest prefix with sum &lt;= p * total.</summary>
    int MassSortedSign(bool positive, double p)
    {
        var r = _r;
        int m = 0;
        for (int i = 0; i < r.Length; i++)
        {
            if (positive ? r[i] > 0 : r[i] < 0)
                _keys[m++] = (long)BitConverter.SingleToInt32Bits(MathF.Abs(r[i])) << 32 | (uint)i;
        }
        var keys = _keys.AsSpan(0, m);
        keys.Sort();
        double total = 0;
        foreach (long key in keys)
            total += BitConverter.Int32BitsToSingle((int)(key >> 32));
        double budget = p * total, sum = 0;
        int pruned = 0;
        while (pruned < m && sum + BitConverter.Int32BitsToSingle((int)(keys[pruned] >> 32)) <= budget)
            sum += BitConverter.Int32BitsToSingle((int)(keys[pruned++] >> 32));
        if (p < 1 && pruned == m && m > 0)
            pruned--;
        for (int j = pruned; j < m; j++)
            _keep[(int)(uint)keys[j]] = true;
        return m - pruned;
    }
}
