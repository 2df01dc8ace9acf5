namespace PrunedLrp.IO;

/// <summary>
/// A dense float32 array read from or written to a NumPy <c>.npy</c> file, in C (row-major) order:
/// element <c>[i0, i1, ..., ik]</c> is at <c>Data[((i0 * d1 + i1) * d2 + ...) + ik]</c>.
/// </summary>
public sealed class NpyArray
{
    /// <summary>Wraps <paramref name="data"/> with <paramref name="shape"/>; the product of the dimensions must equal
    /// <c>data.Length</c> (an empty shape is a scalar with one element).</summary>
    public NpyArray(int[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        CheckShape(shape, data.Length, nameof(data));
        Shape = shape;
        Data = data;
    }

    /// <summary>The dimensions, outermost first.</summary>
    public int[] Shape { get; }

    /// <summary>The elements in C order.</summary>
    public float[] Data { get; }

    /// <summary>Throws unless <paramref name="shape"/> has no negative dimension and exactly <paramref name="length"/>
    /// elements, the length of the caller's argument <paramref name="dataName"/>.</summary>
    internal static void CheckShape(ReadOnlySpan<int> shape, int length, string dataName)
    {
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0)
                throw new ArgumentException($"shape has a negative dimension {d}", nameof(shape));
            count *= d;
            if (count > Array.MaxLength)
                throw new ArgumentException("shape has more elements than an array can hold", nameof(shape));
        }
        if (count != length)
            throw new ArgumentException($"shape ({string.Join(", ", shape.ToArray())}) has {count} elements but {dataName} has {length}", dataName);
    }
}
