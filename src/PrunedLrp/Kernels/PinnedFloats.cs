using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PrunedLrp.Kernels;

/// <summary>
/// <see cref="Length"/> floats at <see cref="Offset"/> of a pinned array (<see cref="FormArena"/>): a weight form's
/// memory, alone in its array or sharing one with other forms. Holding the value keeps the array alive.
/// </summary>
internal readonly unsafe struct PinnedFloats
{
    readonly float[]? _block;

    /// <summary>The floats <c>[offset, offset + length)</c> of <paramref name="block"/>, which must be pinned.</summary>
    public PinnedFloats(float[] block, int offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)offset + length, block.Length, nameof(length));
        (_block, Offset, Length) = (block, offset, length);
    }

    /// <summary>The array (null for a default value).</summary>
    public float[]? Block => _block;

    /// <summary>The first float's index in its array.</summary>
    public int Offset { get; }

    /// <summary>The number of floats (0 for a default value).</summary>
    public int Length { get; }

    /// <summary>The first float (null for a default value); stable, as the array is pinned.</summary>
    public float* Pointer => _block == null ? null
        : (float*)Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_block), Offset));

    /// <summary>The floats as a span.</summary>
    public Span<float> Span => _block == null ? default : _block.AsSpan(Offset, Length);
}
