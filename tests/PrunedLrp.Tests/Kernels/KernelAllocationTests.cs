using PrunedLrp.Kernels;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

[Collection(nameof(KernelAllocationTests))]
public class KernelAllocationTests
{
    [Fact]
    public void ConvForwardAndBackward_WarmCalls_AllocateNothing()
    {
        var rng = new Random(3);
        var s = ConvOperatorTests.Shape(32, 64, 1, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1); // two-thread sized
        var op = new ConvOperator(s, KernelAssert.Random(rng, s.WeightSize));
        var x = KernelAssert.Random(rng, 2 * s.InSize);
        var bias = KernelAssert.Random(rng, s.OutChannels);
        var y = new float[2 * s.OutSize];
        var dx = new float[2 * s.InSize];
        var scratch = new float[op.ScratchLength(2)];
        AssertNoAllocation(() =>
        {
            op.Forward(x, bias, y, 2, scratch);
            op.BackwardData(y, dx, 2, scratch);
        });
    }

    [Fact]
    public void ListedOutputConv_SplitOverBothThreads_AllocatesNothing()
    {
        var rng = new Random(6);
        var s = ConvOperatorTests.Shape(64, 64, 1, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        var w = KernelAssert.Random(rng, s.WeightSize);
        var x = KernelAssert.Random(rng, s.InSize);
        var listed = Enumerable.Range(0, s.OutSize).Where(i => i % 20 == 0).ToArray(); // 820 entries x 576: split
        var values = new float[listed.Length];
        var dx = new float[s.InSize];
        AssertNoAllocation(() =>
        {
            ListedOutputConv.At(s, w, WeightMap.Positive, x, listed, [], values);
            ListedOutputConv.Transposed(s, w, WeightMap.Positive, listed, values, dx);
        });
    }

    [Fact]
    public void DepthwiseConv_WarmCalls_AllocateNothing()
    {
        var rng = new Random(5);
        var s = ConvOperatorTests.Shape(64, 64, 64, 40, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        var op = new ConvOperator(s, KernelAssert.Random(rng, s.WeightSize));
        Assert.Equal(0, op.ScratchLength(1)); // the direct path needs no column matrix
        var x = KernelAssert.Random(rng, s.InSize);
        var y = new float[s.OutSize];
        var dx = new float[s.InSize];
        AssertNoAllocation(() =>
        {
            op.Forward(x, [], y, 1, []);
            op.BackwardData(y, dx, 1, []);
        });
    }

    [Fact]
    public void DenseForwardAndBackward_WarmCalls_AllocateNothing()
    {
        var rng = new Random(4);
        var op = new DenseOperator(1024, 2048, KernelAssert.Random(rng, 1024 * 2048));
        var x = KernelAssert.Random(rng, 4 * 2048);
        var y = new float[4 * 1024];
        var dx = new float[4 * 2048];
        var bias = KernelAssert.Random(rng, 1024);
        AssertNoAllocation(() =>
        {
            op.Forward(x.AsSpan(0, 2048), bias, y, 1);
            op.BackwardData(y.AsSpan(0, 1024), dx, 1);
            op.Forward(x, bias, y, 4);
            op.BackwardData(y, dx, 4);
        });
    }

    static void AssertNoAllocation(Action calls)
    {
        Support.SteadyState.WarmUp(calls); // JIT tiers, per-thread packing buffers, worker start
        long caller0 = GC.GetAllocatedBytesForCurrentThread();
        long worker0 = WorkerThreadAllocatedBytes();
        for (int i = 0; i < 10; i++) calls();
        long worker = WorkerThreadAllocatedBytes() - worker0;
        long caller = GC.GetAllocatedBytesForCurrentThread() - caller0;
        Assert.True(caller == 0, $"the calling thread allocated {caller} B in 10 warm calls");
        Assert.True(worker == 0, $"the kernel worker thread allocated {worker} B in 10 warm calls");
    }

    // Process-wide GC.GetTotalAllocatedBytes also counts the test host's own background threads (measured: ~100 B/s
    // while idle), so ask the kernel worker thread itself for its allocation counter.
    internal static unsafe long WorkerThreadAllocatedBytes()
    {
        // Each of the two chunks waits for the other, so they necessarily run on the two threads.
        // The worker stays busy for a moment after a job the caller withdrew (it frees itself when it wakes), so retry.
        var probe = new ProbeState { Bytes = -1, CallerThread = Environment.CurrentManagedThreadId };
        for (int attempt = 0; attempt < 5000; attempt++)
        {
            if (KernelWorker.TryRun(&Probe, &probe, 2)) return probe.Bytes;
            Thread.Sleep(1);
        }
        throw new InvalidOperationException("the kernel worker stayed busy"); // no Assert here: it allocates
    }

    struct ProbeState
    {
        public long Bytes;
        public int CallerThread, Arrived;
    }

    static unsafe void Probe(void* context, int chunk)
    {
        var p = (ProbeState*)context;
        if (Environment.CurrentManagedThreadId != p->CallerThread) p->Bytes = GC.GetAllocatedBytesForCurrentThread();
        Interlocked.Increment(ref p->Arrived);
        var spin = new SpinWait();
        while (Volatile.Read(ref p->Arrived) < 2) spin.SpinOnce();
    }
}
