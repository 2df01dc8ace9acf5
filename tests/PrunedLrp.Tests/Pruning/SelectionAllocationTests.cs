using Xunit;
using PrunedLrp.Pruning;
using static PrunedLrp.Tests.Pruning.SelectionTestData;

namespace PrunedLrp.Tests.Pruning;

public class SelectionAllocationTests
{
    [Fact]
    public void Selections_AllocateNothing_WhenWarm()
    {
        // Large enough to take several partition rounds and the sorting finish, and to run the marking and the sum as
        // two halves on the kernel threads (PassHalves); the ties exercise the lane-by-lane marking.
        int n = PassHalves.From + 3;
        var normal = Make(Kind.Normal, n, seed: 1);
        var ties = Make(Kind.Ties, n, seed: 2);
        var keep = new bool[normal.Length];
        var scratch = new float[RelevanceSelection.BothSignsScratchLength(normal.Length)];
        var lambdaWork = (float[])normal.Clone();
        void RunAll()
        {
            RelevanceSelection.SelectByMass(normal, 0.9, 0.5, keep, scratch);
            RelevanceSelection.SelectByMass(ties, 0.5, 0.9999, keep, scratch);
            RelevanceSelection.SelectByMassOnBothThreads(normal, 0.9, 0.5, keep, scratch);
            RelevanceSelection.SelectByMassOnBothThreads(ties, 0.5, 0.9999, keep, scratch);
            RelevanceSelection.SelectTopK(normal, 1234, keep, scratch);
            RelevanceSelection.SelectTopK(ties, 50_000, keep, scratch);
            RelevanceSelection.SelectByMassCore(normal, 0.9, 0.5, keep, scratch, maxRounds: 2);
            RelevanceSelection.SelectTopKCore(normal, 77, keep, scratch, maxRounds: 2);
            PruningPasses.Sum(normal);
            LambdaPruning.ByMass(0, 0, lambdaWork, 0.9, 0.5, keep, scratch);      // one pass: marks and scales
            LambdaPruning.ByMass(0, 0, lambdaWork, 0.5, 0.99999, keep, scratch);  // tiny kept mass: marks, then scales
        }
        Support.SteadyState.WarmUp(RunAll);
        long worker = Kernels.KernelAllocationTests.WorkerThreadAllocatedBytes();
        long before = GC.GetAllocatedBytesForCurrentThread();
        RunAll();
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, after - before);
        // The halves and the sign searches run partly on the kernel worker: it allocates nothing either.
        Assert.Equal(0, Kernels.KernelAllocationTests.WorkerThreadAllocatedBytes() - worker);
    }
}
