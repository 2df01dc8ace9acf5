namespace PrunedLrp.Kernels;

/// <summary>
/// The left operand A (m x k) of a product as <see cref="GemmDriver"/> reads it: either panels packed once
/// (<see cref="PackedMatrix"/>, kept for many products) or a packer that writes each block of A as the product reaches
/// it, straight from weights stored in another layout (<see cref="WeightPanels"/>: nothing kept between products).
/// </summary>
internal readonly unsafe struct LeftOperand
{
    LeftOperand(int rows, int columns, float* packed, int packedWidth,
        delegate*<void*, int, int, int, int, float*, void> packFrom, void* context)
    {
        Rows = rows;
        Columns = columns;
        Packed = packed;
        PackedWidth = packedWidth;
        PackFrom = packFrom;
        Context = context;
    }

    /// <summary>m</summary>
    public int Rows { get; }

    /// <summary>k</summary>
    public int Columns { get; }

    /// <summary>The pre-packed panels, or null.</summary>
    public float* Packed { get; }

    /// <summary>m rounded up to the panel height, when <see cref="Packed"/> is set.</summary>
    public int PackedWidth { get; }

    /// <summary>The block packer (see <see cref="GemmArgs.PackAFrom"/>), when <see cref="Packed"/> is null.</summary>
    public delegate*<void*, int, int, int, int, float*, void> PackFrom { get; }

    /// <summary>The packer's read-only context, which must stay put until the product returns.</summary>
    public void* Context { get; }

    /// <summary>A matrix packed as a left operand; the caller keeps it alive for the product.</summary>
    public static LeftOperand Of(PackedMatrix a)
    {
        if (!a.IsLeftOperand) throw new ArgumentException("the matrix was packed as a right operand", nameof(a));
        return new(a.Rows, a.Columns, a.Data, a.PaddedWidth, null, null);
    }

    /// <summary>An m x k operand whose blocks <paramref name="packFrom"/> packs from <paramref name="context"/>.</summary>
    public static LeftOperand PackedBy(int rows, int columns, delegate*<void*, int, int, int, int, float*, void> packFrom, void* context)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        return new(rows, columns, null, 0, packFrom, context);
    }
}
