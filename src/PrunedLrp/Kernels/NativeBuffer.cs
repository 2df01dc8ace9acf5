using System.Runtime.InteropServices;

namespace PrunedLrp.Kernels;

/// <summary>
/// Floats outside the GC heap for one-off preparation work (kernel transforms, flipped and modified weights), freed on
/// <see cref="Dispose"/>: pooled or collected arrays of these sizes (up to 38 MB for one VGG-16 layer) would stay
/// resident long after the model is prepared.
/// </summary>
internal readonly unsafe struct NativeBuffer : IDisposable
{
    /// <summary>Allocates <paramref name="length"/> uninitialized floats.</summary>
    public NativeBuffer(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = checked((int)length);
        Pointer = (float*)NativeMemory.Alloc((nuint)Math.Max(length, 1), sizeof(float));
        // Large ones come fresh from the system at each allocation (the C library maps them and unmaps them on free),
        // so every preparation of a layer would fault each of their 4 KB pages in again.
        HugePages.Advise(Pointer, length * sizeof(float));
    }

    /// <summary>The first float (null for a default buffer).</summary>
    public float* Pointer { get; }

    /// <summary>The number of floats.</summary>
    public int Length { get; }

    /// <summary>The floats as a span.</summary>
    public Span<float> Span => new(Pointer, Length);

    /// <summary>Frees the floats (nothing for a default buffer); the buffer must not be used afterwards.</summary>
    public void Dispose() => NativeMemory.Free(Pointer);
}
