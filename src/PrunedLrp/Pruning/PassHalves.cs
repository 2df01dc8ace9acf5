using PrunedLrp.Kernels;

namespace PrunedLrp.Pruning;

/// <summary>
/// Runs an element-wise pass of a pruning point as two halves, one on each kernel thread (both on the caller when the
/// worker is busy or disabled). The pruning passes sit between two layers' products with the second core idle, and
/// the selection of a large point costs PLRP-λ most of its time over LRP (ResNet-50: 10 of 17 ms per explain).
/// </summary>
/// <remarks>
/// The halves are fixed by the length alone, and a pass combines their results in half order, so the outcome does
/// not depend on which thread ran which half: a sum is (first half) + (second half), each in the pass's own order.
/// </remarks>
internal static unsafe class PassHalves
{
    /// <summary>Entries from which a pass is split: below, the hand-over costs about what the second core saves.</summary>
    public const int From = 1 << 17;

    /// <summary>Where the second half starts: the middle, rounded down to a whole vector of 8.</summary>
    public static int Split(int length) => (length / 2) & ~7;

    /// <summary>Calls <c>half(job, 0)</c> and <c>half(job, 1)</c>, on the two kernel threads when one is free.</summary>
    public static void Run(delegate*<void*, int, void> half, void* job)
    {
        if (KernelWorker.TryRun(half, job, 2))
            return;
        half(job, 0);
        half(job, 1);
    }

    /// <summary>The start and end of half <paramref name="half"/> of [0, <paramref name="length"/>).</summary>
    public static (int Start, int End) Range(int length, int half) => half == 0 ? (0, Split(length)) : (Split(length), length);

    /// <summary>Runs <paramref name="pass"/> over the two halves of [0, <paramref name="length"/>) and returns their
    /// results in half order, whichever thread ran which.</summary>
    public static (TResult First, TResult Second) Halves<TPass, TResult>(int length, TPass pass)
        where TPass : unmanaged, IRangePass<TResult> where TResult : unmanaged
    {
        var job = new HalvesJob<TPass, TResult> { Pass = pass, Length = length };
        Run(&Half<TPass, TResult>, &job);
        return (job.First, job.Second);
    }

    /// <summary>A summing pass: whole below <see cref="From"/> entries, else (first half's sum) + (second half's sum).</summary>
    public static double Sum<TPass>(int length, TPass pass) where TPass : unmanaged, IRangePass<double>
    {
        if (length < From)
            return pass.Run(0, length);
        var (first, second) = Halves<TPass, double>(length, pass);
        return first + second;
    }

    struct HalvesJob<TPass, TResult> where TPass : unmanaged, IRangePass<TResult> where TResult : unmanaged
    {
        public TPass Pass;
        public int Length;
        public TResult First, Second;
    }

    static void Half<TPass, TResult>(void* context, int half) where TPass : unmanaged, IRangePass<TResult> where TResult : unmanaged
    {
        ref var j = ref *(HalvesJob<TPass, TResult>*)context;
        var (start, end) = Range(j.Length, half);
        var result = j.Pass.Run(start, end);
        if (half == 0) j.First = result;
        else j.Second = result;
    }
}
