using PrunedLrp.Kernels;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

/// <summary>Back-to-back jobs from one thread, with no other test using the worker (the collection runs alone).</summary>
[Collection(nameof(KernelAllocationTests))]
public class KernelWorkerHandOverTests
{
    [Fact]
    public unsafe void TryRun_RightAfterAWithdrawnJob_StillGetsTheWorker()
    {
        // Two-chunk jobs this small finish on the caller before the worker wakes, so most are withdrawn. The caller
        // frees the worker as it withdraws; when the worker had to free it (on waking), the next call found it busy
        // and ran alone, so a short job followed by a long one ran the long one on one core.
        if (!KernelWorker.Enabled) return;
        var hits = new int[2];
        int refused = 0;
        for (int call = 0; call < 2000; call++)
        {
            Array.Clear(hits);
            fixed (int* p = hits)
            {
                var counts = new KernelWorkerTests.Counts { Hits = p };
                if (!KernelWorker.TryRun(&KernelWorkerTests.Hit, &counts, hits.Length))
                {
                    refused++;
                    KernelWorkerTests.Hit(&counts, 0);
                    KernelWorkerTests.Hit(&counts, 1);
                }
            }
            Assert.Equal([1, 1], hits);
        }
        Assert.Equal(0, refused);
    }
}
