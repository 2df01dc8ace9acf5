namespace PrunedLrp.Kernels;

/// <summary>
/// Memory for the weight forms a model keeps once made (packed matrices, Winograd-transformed kernels): forms of at
/// least <see cref="HugePages.MinBytes"/> get a pinned array of their own, advised for huge pages as before; smaller
/// ones are cut, 64-byte aligned, from shared pinned blocks (2 MB at first, doubling up to <see cref="BlockFloats"/>
/// floats) that are advised as a whole, so that they too are written through huge pages.
/// </summary>
/// <remarks>
/// Why: the first call of the fast mode writes all its forms into fresh memory, and where page faults are slow (the
/// test VM) those faults were most of its time. After the large forms got huge pages, a one-image ResNet-50 explain
/// still took about 100,000 faults of 4 KB, most of them in its many forms below 4 MB (1x1 layers of 64 to 512
/// channels, Winograd kernels of the early layers). A form keeps its block alive; the arena holds the block it is
/// filling only weakly, so a block whose forms are all gone is collected. Blocks are not shared when huge pages are
/// off (<see cref="HugePages.Enabled"/>): then every form has its own array, as before.
/// </remarks>
internal static class FormArena
{
    /// <summary>Floats of the first shared block (2 MB, one huge page); each further block doubles, up to
    /// <see cref="BlockFloats"/>, so that a model with few small forms (a small genomics CNN: a few KB) does not hold
    /// a whole large block (at a fixed 32 MB, 32 MB of the GC heap's committed memory, which counts against a
    /// container's heap limit, for a few KB of forms).</summary>
    public const int MinBlockFloats = 512 << 10;

    /// <summary>Floats of the largest shared block (32 MB): 16 huge pages, a small part of any model whose forms fill it.</summary>
    public const int BlockFloats = 8 << 20;

    const int AlignFloats = 16; // 64 bytes

    static readonly Lock s_lock = new();
    static readonly WeakReference<float[]?> s_block = new(null);
    static int s_used; // floats of s_block handed out (aligned)
    static int s_nextBlock = MinBlockFloats; // floats of the next block (doubling up to BlockFloats)

    /// <summary><paramref name="length"/> uninitialized floats, pinned, starting 64-byte aligned; with
    /// <paramref name="shared"/> false, in an array of their own even when small (for memory whose lifetime is not a
    /// model's: a small form that outlives its neighbours keeps their whole block alive).</summary>
    public static PinnedFloats Rent(int length, bool shared = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (!HugePages.Enabled || (!shared && (long)length * sizeof(float) < HugePages.MinBytes))
            return Aligned(HugePages.PinnedUninitializedArray(checked(length + AlignFloats)), 0, length, 64);
        if ((long)length * sizeof(float) >= HugePages.MinBytes)
            return HugePageAligned(length);
        lock (s_lock)
        {
            if (!s_block.TryGetTarget(out var block) || s_used + length > block.Length)
            {
                (int floats, s_nextBlock) = BlockSize(s_nextBlock, length);
                var fresh = HugePageAligned(floats);
                (block, s_used) = (fresh.Block!, fresh.Offset);
                s_block.SetTarget(block);
            }
            var slice = new PinnedFloats(block, s_used, length);
            s_used = Math.Min(block.Length, s_used + RoundUp(length));
            return slice;
        }
    }

    /// <summary>The floats of a new block for a form of <paramref name="length"/> floats when the next block is to have
    /// <paramref name="next"/>: that many, or the form's length in whole huge pages if more; and the size after it
    /// (doubled, up to <see cref="BlockFloats"/>).</summary>
    internal static (int Floats, int Next) BlockSize(int next, int length) =>
        (Math.Max(next, RoundUp(length, MinBlockFloats)), Math.Min(BlockFloats, 2 * next));

    static int RoundUp(int length, int multiple = AlignFloats) => (length + multiple - 1) / multiple * multiple;

    // length floats from a 2 MB boundary of an array advised for huge pages: without the alignment the first and the
    // last part of an array (up to 2 MB each) take 4 KB pages, half of a 4 MB form. The floats before the boundary are
    // never touched, so they take no memory.
    static PinnedFloats HugePageAligned(int length)
    {
        const int hugePage = 2 << 20;
        var array = HugePages.PinnedUninitializedArray(checked(length + hugePage / sizeof(float)));
        return Aligned(array, 0, length, hugePage);
    }

    // The slice of length floats from the first boundary of `alignment` bytes at or after array[start] (which the
    // array's length leaves room for).
    static unsafe PinnedFloats Aligned(float[] array, int start, int length, int alignment)
    {
        var probe = new PinnedFloats(array, start, 0);
        int shift = (int)((alignment - ((nint)probe.Pointer & (alignment - 1))) & (alignment - 1)) / sizeof(float);
        return new PinnedFloats(array, start + shift, length);
    }
}
