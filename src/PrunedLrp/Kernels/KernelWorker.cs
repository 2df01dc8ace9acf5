namespace PrunedLrp.Kernels;

/// <summary>
/// Runs the chunks of a kernel on two threads without per-call allocations: the calling thread and one persistent
/// background thread claim chunk indices from a shared counter until none are left. <see cref="Parallel.For(int, int, Action{int})"/>
/// would allocate a closure and task state per call; here the work is a function pointer plus a pointer to a context
/// struct on the caller's stack.
/// </summary>
/// <remarks>
/// Dynamic claiming keeps both cores busy when one of them is slowed by other processes. If the worker has not woken
/// up by the time the caller has run every chunk, the caller withdraws the job and returns at once (the worker then
/// finds nothing to do), so a descheduled worker never delays a call; the caller frees the worker itself, so the next
/// call can post to it again at once. One worker serves the process; a caller that finds it busy (another thread's
/// kernel, or a kernel started from the worker itself) runs all chunks itself.
/// </remarks>
internal static unsafe class KernelWorker
{
    // Spin a little before blocking: back-to-back layer kernels then hand over without a kernel-mode wake-up.
    const int SpinCount = 200;
    const int Idle = 0, Posted = 1, Running = 2, Withdrawn = 3;

    static readonly ManualResetEventSlim s_start = new(false, SpinCount);
    static readonly ManualResetEventSlim s_done = new(false, SpinCount);

    // PRUNEDLRP_KERNEL_THREADS=1 keeps every kernel on the calling thread (profiling, or hosts that parallelize themselves).
    static readonly bool s_enabled = Environment.ProcessorCount > 1 && Environment.GetEnvironmentVariable("PRUNEDLRP_KERNEL_THREADS") != "1";

    /// <summary>Whether kernels may use a second thread (false on one core or with PRUNEDLRP_KERNEL_THREADS=1).</summary>
    public static bool Enabled => s_enabled;
    static int s_busy;   // 1 from posting a job until the worker is free again
    static int s_state;  // Idle / Posted / Running / Withdrawn
    static int s_next;   // next unclaimed chunk
    static int s_chunks;
    static delegate*<void*, int, void> s_body;
    static void* s_context;

    static int s_workerThreadId;

    static KernelWorker()
    {
        if (!s_enabled) return;
        var thread = new Thread(Loop) { IsBackground = true, Name = "PrunedLrp kernel worker" };
        thread.Start();
        s_workerThreadId = thread.ManagedThreadId;
    }

    // ManualResetEventSlim allocates its lock object (24 B) the first time a Wait has to block, which otherwise happens
    // at some random later call (measured: once in ~2000 explains) and breaks "the steady state allocates nothing".
    // Before the first real job, one job whose worker chunk outlasts the caller's makes the caller block once. (Not in
    // the static constructor: the worker thread cannot touch this class's statics until that has returned.)
    static void PrimeDoneWait()
    {
        if (Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
            return;
        int started = 0;
        RunPosted(&PrimeChunk, &started, 2);
    }

    static void PrimeChunk(void* context, int chunk)
    {
        // Both chunks start before either ends (so the worker holds one), bounded in case the worker is slow to wake
        // and the caller runs both.
        ref int started = ref *(int*)context;
        Interlocked.Increment(ref started);
        long deadline = Environment.TickCount64 + 100;
        while (Volatile.Read(ref started) < 2 && Environment.TickCount64 < deadline)
            Thread.SpinWait(20);
        if (Environment.CurrentManagedThreadId == s_workerThreadId)
            Thread.Sleep(1); // longer than the caller's spin phase (200 spins, tens of µs), so its s_done.Wait() blocks
    }

    /// <summary>
    /// Calls <c>body(context, chunk)</c> once for every chunk in [0, <paramref name="chunks"/>) on the calling thread
    /// and the worker, and returns true when all are done; returns false at once, having run nothing, when the worker
    /// is busy or disabled (the caller then runs the work as one piece). Chunks must be independent (any order, either thread).
    /// </summary>
    public static bool TryRun(delegate*<void*, int, void> body, void* context, int chunks)
    {
        if (chunks < 2 || !s_enabled)
            return false;
        if (Volatile.Read(ref s_primed) == 0 && Interlocked.Exchange(ref s_primed, 1) == 0)
            PrimeDoneWait();
        if (Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
            return false;
        RunPosted(body, context, chunks);
        return true;
    }

    static int s_primed;

    // Runs a job; the caller holds s_busy and frees it at the end. Only the caller moves s_state out of Posted to
    // Withdrawn or Idle; the worker only from Posted to Running, so the one of them whose exchange succeeds owns the job.
    static void RunPosted(delegate*<void*, int, void> body, void* context, int chunks)
    {
        s_body = body;
        s_context = context;
        s_chunks = chunks;
        s_next = 0;
        s_done.Reset();
        Volatile.Write(ref s_state, Posted);
        s_start.Set();
        try
        {
            Claim(body, context, chunks);
        }
        finally
        {
            // The worker started and may hold a chunk: wait for it. Otherwise it never touched the job, which is now
            // withdrawn: when the worker wakes it finds nothing to run (or the next call's job, which it may run).
            // Before, the worker freed a withdrawn job itself when it woke, so a short job it missed (a plane build, a
            // Winograd input transform) left the next, long one to run on this thread alone.
            if (Interlocked.CompareExchange(ref s_state, Withdrawn, Posted) != Posted)
            {
                s_done.Wait();
                Volatile.Write(ref s_state, Idle);
            }
            Volatile.Write(ref s_busy, 0);
        }
    }

    static void Claim(delegate*<void*, int, void> body, void* context, int chunks)
    {
        int i;
        while ((i = Interlocked.Increment(ref s_next) - 1) < chunks) body(context, i);
    }

    static void Loop()
    {
        while (true)
        {
            s_start.Wait();
            s_start.Reset();
            // A wake-up for a job already withdrawn finds Withdrawn or Idle and waits again; one for a job posted since
            // (its Set may have come before the Reset above) finds Posted and runs it.
            if (Interlocked.CompareExchange(ref s_state, Running, Posted) == Posted)
            {
                try
                {
                    Claim(s_body, s_context, s_chunks);
                }
                finally
                {
                    s_done.Set();
                }
            }
        }
    }
}
