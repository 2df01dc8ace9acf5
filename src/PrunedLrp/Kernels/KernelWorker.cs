namespace PrunedLrp.Kernels;

/// <summary>
/// Runs a kernel on two threads without per-call allocations: the calling thread does part 0 and one persistent
/// background thread does part 1. <see cref="Parallel.For(int, int, Action{int})"/> would allocate a closure and task
/// state per call; here the work is a function pointer plus a pointer to a context struct on the caller's stack (the
/// caller waits for the worker before returning, so the struct outlives its use).
/// </summary>
/// <remarks>
/// One worker serves the whole process. A caller that finds it busy (another thread's kernel, or a kernel started from
/// the worker itself) runs both parts itself, so concurrent callers stay correct and never wait on each other.
/// </remarks>
internal static unsafe class KernelWorker
{
    // Spin a little before blocking: back-to-back layer kernels then hand over without a kernel-mode wake-up.
    const int SpinCount = 200;

    static readonly ManualResetEventSlim s_start = new(false, SpinCount);
    static readonly ManualResetEventSlim s_done = new(false, SpinCount);
    // PRUNEDLRP_KERNEL_THREADS=1 keeps every kernel on the calling thread (profiling, or hosts that parallelize themselves).
    static readonly bool s_enabled = Environment.ProcessorCount > 1 && Environment.GetEnvironmentVariable("PRUNEDLRP_KERNEL_THREADS") != "1";
    static int s_busy;
    static delegate*<void*, int, int, void> s_body;
    static void* s_context;

    static KernelWorker()
    {
        if (!s_enabled) return;
        var thread = new Thread(Loop) { IsBackground = true, Name = "PrunedLrp kernel worker" };
        thread.Start();
    }

    /// <summary>
    /// Calls <c>body(context, part, parts)</c> for every part: parts = 2 on two threads when <paramref name="parallel"/>
    /// and the worker is free, else parts = 1 on the calling thread. Returns when all parts are done.
    /// </summary>
    public static void Run(delegate*<void*, int, int, void> body, void* context, bool parallel)
    {
        if (!parallel || !s_enabled || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            body(context, 0, 1);
            return;
        }
        s_body = body;
        s_context = context;
        s_done.Reset();
        s_start.Set();
        try
        {
            body(context, 0, 2);
        }
        finally
        {
            s_done.Wait();
            s_body = null;
            s_context = null;
            Volatile.Write(ref s_busy, 0);
        }
    }

    static void Loop()
    {
        while (true)
        {
            s_start.Wait();
            s_start.Reset();
            try
            {
                s_body(s_context, 1, 2);
            }
            finally
            {
                s_done.Set();
            }
        }
    }
}
