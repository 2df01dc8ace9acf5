using System.Runtime.InteropServices;

namespace PrunedLrp.Kernels;

/// <summary>
/// Floats outside the GC heap for one-off preparation work (kernel transforms, flipped and modified weights), handed
/// back on <see cref="Dispose"/> to a small pool (<see cref="PooledBuffers"/> of at most <see cref="PoolBytes"/> each)
/// and freed beyond it.
/// </summary>
/// <remarks>
/// Why a pool: the fast mode's first call prepares every layer with three or four such buffers the size of its
/// weights, as much memory again as the forms it keeps (ResNet-50: about 400 MB of each). Freed to the C library, a
/// buffer of megabytes goes back to the system, and the next layer's comes fresh, zeroed by the kernel page by page,
/// which is most of a first call's time where page faults are slow (the test VM). Kept, the next layer writes into
/// memory already mapped. The pool holds at most <see cref="PooledBuffers"/> buffers, none larger than
/// <see cref="PoolBytes"/>, so it keeps at most 48 MB (VGG-16's and ResNet-50's largest layers need 9.4 MB); larger
/// buffers are freed at once, as before.
/// </remarks>
internal readonly unsafe struct NativeBuffer : IDisposable
{
    /// <summary>Buffers the pool keeps (a layer's backward preparation holds three at once).</summary>
    public const int PooledBuffers = 3;

    /// <summary>The largest buffer the pool keeps.</summary>
    public const long PoolBytes = 16 << 20;

    static readonly Lock s_lock = new();
    static readonly (nint Pointer, long Floats)[] s_pool = new (nint, long)[PooledBuffers];

    readonly long _capacity;

    /// <summary>Allocates (or takes from the pool) at least <paramref name="length"/> uninitialized floats.</summary>
    public NativeBuffer(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = checked((int)length);
        var (pointer, capacity) = Take(Math.Max(length, 1));
        Pointer = (float*)pointer;
        _capacity = capacity;
    }

    /// <summary>The first float (null for a default buffer).</summary>
    public float* Pointer { get; }

    /// <summary>The number of floats.</summary>
    public int Length { get; }

    /// <summary>The floats as a span.</summary>
    public Span<float> Span => new(Pointer, Length);

    /// <summary>Returns the floats to the pool or frees them (nothing for a default buffer); the buffer must not be
    /// used afterwards.</summary>
    public void Dispose()
    {
        if (Pointer == null) return;
        if (_capacity * sizeof(float) <= PoolBytes)
        {
            lock (s_lock)
            {
                // Keep it in a free slot, or in place of a smaller one (which is freed): the pool drifts to the sizes
                // the model needs.
                int slot = Array.FindIndex(s_pool, entry => entry.Pointer == 0);
                if (slot < 0)
                {
                    int smallest = 0;
                    for (int i = 1; i < s_pool.Length; i++)
                        if (s_pool[i].Floats < s_pool[smallest].Floats) smallest = i;
                    if (s_pool[smallest].Floats < _capacity) slot = smallest;
                }
                if (slot >= 0)
                {
                    var evicted = s_pool[slot];
                    s_pool[slot] = ((nint)Pointer, _capacity);
                    if (evicted.Pointer != 0) NativeMemory.Free((void*)evicted.Pointer);
                    return;
                }
            }
        }
        NativeMemory.Free(Pointer);
    }

    // The smallest pooled buffer of at least `floats`, or a new one advised for huge pages.
    static (nint Pointer, long Floats) Take(long floats)
    {
        lock (s_lock)
        {
            int best = -1;
            for (int i = 0; i < s_pool.Length; i++)
                if (s_pool[i].Pointer != 0 && s_pool[i].Floats >= floats && (best < 0 || s_pool[i].Floats < s_pool[best].Floats))
                    best = i;
            if (best >= 0)
            {
                var taken = s_pool[best];
                s_pool[best] = default;
                return taken;
            }
        }
        var pointer = (float*)NativeMemory.Alloc((nuint)floats, sizeof(float));
        // Large ones come fresh from the system (the C library maps them, and unmaps them on free): advised, their
        // first write takes one fault per 2 MB.
        HugePages.Advise(pointer, floats * sizeof(float));
        return ((nint)pointer, floats);
    }
}
