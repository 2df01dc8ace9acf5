using PrunedLrp.Kernels;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

public class KernelWorkerTests
{
    unsafe struct Counts
    {
        public int* Hits;
    }

    static unsafe void Hit(void* context, int chunk) => Interlocked.Increment(ref ((Counts*)context)->Hits[chunk]);

    [Fact]
    public unsafe void TryRun_ConcurrentCallers_RunEveryChunkExactlyOnce()
    {
        // Callers race for the single worker (losers get false and run their chunks themselves); withdrawn and
        // shared jobs must both end with every chunk run once.
        int parallelRuns = 0;
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            var hits = new int[1 + t * 7];
            for (int round = 0; round < 300; round++)
            {
                Array.Clear(hits);
                fixed (int* p = hits)
                {
                    var counts = new Counts { Hits = p };
                    if (KernelWorker.TryRun(&Hit, &counts, hits.Length)) Interlocked.Increment(ref parallelRuns);
                    else for (int i = 0; i < hits.Length; i++) Hit(&counts, i);
                }
                Assert.All(hits, h => Assert.Equal(1, h));
            }
        });
        Assert.True(parallelRuns > 0 || Environment.ProcessorCount == 1, "no call ever used the worker");
    }
}
