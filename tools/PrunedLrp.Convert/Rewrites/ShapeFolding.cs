namespace PrunedLrp.Convert.Rewrites;

/// <summary>
/// Evaluates the integer ops of exported shape computations (Shape, Gather, Unsqueeze, Squeeze, Concat) on constants,
/// so a Reshape's target becomes a constant. The batch size stays symbolic (<see cref="ConstantValue.Batch"/>).
/// </summary>
internal static class ShapeFolding
{
    /// <summary>ONNX Shape of a tensor [N, <paramref name="onnxShape"/>...], sliced to [start, end) (opset 15).</summary>
    public static ConstantValue Shape(int[] onnxShape, long start, long? end)
    {
        var full = new long[onnxShape.Length + 1];
        full[0] = ConstantValue.Batch;
        for (int i = 0; i < onnxShape.Length; i++)
            full[i + 1] = onnxShape[i];
        int rank = full.Length;
        int s = (int)Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        int e = (int)Math.Clamp(end is null ? rank : end.Value < 0 ? end.Value + rank : end.Value, 0, rank);
        var values = s < e ? full[s..e] : [];
        return new ConstantValue([values.Length], null, values);
    }

    /// <summary>ONNX Gather on axis 0 of a 1-D integer constant; indices scalar or 1-D, negative indices wrap.</summary>
    public static ConstantValue Gather(ConstantValue data, ConstantValue indices, long axis, string where)
    {
        if (data.Ints is null || data.Dims.Length != 1 || indices.Ints is null || indices.Dims.Length > 1 || (axis != 0 && axis != -1))
            throw new ConversionException($"{where}: Gather is supported only on a 1-D integer constant (a shape) with scalar or 1-D indices on axis 0");
        var values = new long[indices.Ints.Length];
        for (int i = 0; i < values.Length; i++)
        {
            long index = indices.Ints[i] < 0 ? indices.Ints[i] + data.Ints.Length : indices.Ints[i];
            if (index < 0 || index >= data.Ints.Length)
                throw new ConversionException($"{where}: index {indices.Ints[i]} is outside 0..{data.Ints.Length - 1}");
            values[i] = data.Ints[index];
        }
        return new ConstantValue(indices.Dims, null, values);
    }

    /// <summary>ONNX Unsqueeze: inserts size-1 axes at <paramref name="axes"/> (of the output rank); values unchanged.</summary>
    public static ConstantValue Unsqueeze(ConstantValue value, long[] axes, string where)
    {
        int rank = value.Dims.Length + axes.Length;
        var isNew = new bool[rank];
        foreach (long a in axes)
        {
            long axis = a < 0 ? a + rank : a;
            if (axis < 0 || axis >= rank || isNew[axis])
                throw new ConversionException($"{where}: axis {a} is invalid or repeated for output rank {rank}");
            isNew[axis] = true;
        }
        var dims = new long[rank];
        for (int i = 0, j = 0; i < rank; i++)
            dims[i] = isNew[i] ? 1 : value.Dims[j++];
        return value with { Dims = dims };
    }

    /// <summary>ONNX Squeeze: removes the size-1 axes listed (all size-1 axes when <paramref name="axes"/> is null).</summary>
    public static ConstantValue Squeeze(ConstantValue value, long[]? axes, string where)
    {
        int rank = value.Dims.Length;
        var drop = new bool[rank];
        for (int i = 0; i < rank; i++)
            drop[i] = axes is null && value.Dims[i] == 1;
        foreach (long a in axes ?? [])
        {
            long axis = a < 0 ? a + rank : a;
            if (axis < 0 || axis >= rank || value.Dims[axis] != 1)
                throw new ConversionException($"{where}: axis {a} is not a size-1 axis of [{string.Join(",", value.Dims)}]");
            drop[axis] = true;
        }
        return value with { Dims = value.Dims.Where((_, i) => !drop[i]).ToArray() };
    }

    /// <summary>ONNX Concat of 1-D integer constants.</summary>
    public static ConstantValue Concat(IReadOnlyList<ConstantValue> parts, long axis, string where)
    {
        if (axis is not (0 or -1) || parts.Any(p => p.Ints is null || p.Dims.Length != 1))
            throw new ConversionException($"{where}: Concat is supported only on 1-D integer constants (shape vectors)");
        var values = parts.SelectMany(p => p.Ints!).ToArray();
        return new ConstantValue([values.Length], null, values);
    }
}
