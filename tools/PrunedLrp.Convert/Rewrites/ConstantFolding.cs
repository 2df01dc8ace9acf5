using PrunedLrp.Graph;

namespace PrunedLrp.Convert.Rewrites;

/// <summary>
/// Evaluates the tensor-reshuffling ops PyTorch emits around constants — notably F.pad / ZeroPad, whose pads arrive as
/// ConstantOfShape -> Concat -> Reshape -> Slice(step -1) -> Transpose -> Reshape -> Cast — so the Pad sees a constant.
/// Only data movement is evaluated (no arithmetic); the batch symbol passes through unchanged.
/// </summary>
internal static class ConstantFolding
{
    /// <summary>ONNX ConstantOfShape: a tensor of <paramref name="shape"/> filled with <paramref name="fill"/> (default float 0).</summary>
    public static ConstantValue ConstantOfShape(ConstantValue shape, ConstantValue? fill, string where)
    {
        if (shape.Ints is null || shape.Dims.Length != 1 || shape.Ints.Any(d => d < 0))
            throw new ConversionException($"{where}: the shape must be a 1-D constant of non-negative integers");
        long count = Count(shape.Ints, where);
        return fill?.Ints is { } ints
            ? new ConstantValue(shape.Ints, null, Enumerable.Repeat(ints[0], (int)count).ToArray())
            : new ConstantValue(shape.Ints, Enumerable.Repeat(fill?.Floats?[0] ?? 0f, (int)count).ToArray(), null);
    }

    /// <summary>ONNX Reshape of a constant (0 copies a dim unless <paramref name="allowZero"/>, -1 is inferred).</summary>
    public static ConstantValue Reshape(ConstantValue data, long[] target, bool allowZero, string where)
    {
        var dims = (long[])target.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == 0 && !allowZero)
                dims[i] = i < data.Dims.Length ? data.Dims[i] : throw new ConversionException($"{where}: 0 at axis {i} has no input dim to copy");
            if (dims[i] == -1)
            {
                if (infer >= 0)
                    throw new ConversionException($"{where}: more than one -1 in the target shape");
                infer = i;
            }
            else if (dims[i] < 0)
            {
                throw new ConversionException($"{where}: target dim {dims[i]} is invalid");
            }
            else
            {
                known *= dims[i];
            }
        }
        if (infer >= 0)
            dims[infer] = known == 0 ? 0 : data.Count / known;
        if (Count(dims, where) != data.Count)
            throw new ConversionException($"{where}: cannot reshape {data.Count} values to [{string.Join(",", target)}]");
        return data with { Dims = dims };
    }

    /// <summary>ONNX Transpose of a constant; <paramref name="perm"/> null reverses the axes.</summary>
    public static ConstantValue Transpose(ConstantValue data, long[]? perm, string where)
    {
        int rank = data.Dims.Length;
        perm ??= Enumerable.Range(0, rank).Reverse().Select(a => (long)a).ToArray();
        if (perm.Length != rank || perm.Distinct().Count() != rank || perm.Any(p => p < 0 || p >= rank))
            throw new ConversionException($"{where}: perm [{string.Join(",", perm)}] is not a permutation of {rank} axes");
        var dims = perm.Select(p => data.Dims[p]).ToArray();
        var inStrides = Strides(data.Dims);
        return Gather(data, dims, outIndex =>
        {
            long offset = 0;
            for (int a = 0; a < rank; a++)
                offset += outIndex[a] * inStrides[perm[a]];
            return offset;
        });
    }

    /// <summary>ONNX Slice of a constant (opset 10+ inputs: starts, ends, optional axes and steps; negative steps walk backwards).</summary>
    public static ConstantValue Slice(ConstantValue data, long[] starts, long[] ends, long[]? axes, long[]? steps, string where)
    {
        int rank = data.Dims.Length;
        axes ??= Enumerable.Range(0, starts.Length).Select(a => (long)a).ToArray();
        steps ??= Enumerable.Repeat(1L, starts.Length).ToArray();
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
            throw new ConversionException($"{where}: starts, ends, axes and steps differ in length");
        var first = new long[rank];
        var step = Enumerable.Repeat(1L, rank).ToArray();
        var dims = (long[])data.Dims.Clone();
        for (int i = 0; i < axes.Length; i++)
        {
            int axis = (int)(axes[i] < 0 ? axes[i] + rank : axes[i]);
            if (axis < 0 || axis >= rank || steps[i] == 0)
                throw new ConversionException($"{where}: axis {axes[i]} or step {steps[i]} is invalid");
            long n = data.Dims[axis];
            long s = starts[i] < 0 ? starts[i] + n : starts[i];
            long e = ends[i] < 0 ? ends[i] + n : ends[i];
            long count;
            if (steps[i] > 0)
            {
                s = Math.Clamp(s, 0, n);
                e = Math.Clamp(e, 0, n);
                count = e > s ? (e - s + steps[i] - 1) / steps[i] : 0;
            }
            else
            {
                s = Math.Clamp(s, -1, n - 1);
                e = Math.Clamp(e, -1, n - 1);
                count = s > e ? (s - e + -steps[i] - 1) / -steps[i] : 0;
            }
            first[axis] = s;
            step[axis] = steps[i];
            dims[axis] = count;
        }
        var inStrides = Strides(data.Dims);
        return Gather(data, dims, outIndex =>
        {
            long offset = 0;
            for (int a = 0; a < rank; a++)
                offset += (first[a] + outIndex[a] * step[a]) * inStrides[a];
            return offset;
        });
    }

    /// <summary>ONNX Cast of a constant to int64/int32 (floats truncate toward zero) or float.</summary>
    public static ConstantValue Cast(ConstantValue data, long to, string where) => to switch
    {
        6 or 7 => new ConstantValue(data.Dims, null, data.Ints ?? data.Floats!.Select(v => (long)v).ToArray()),
        1 => new ConstantValue(data.Dims, data.Floats ?? data.Ints!.Select(v => (float)v).ToArray(), null),
        _ => throw new ConversionException($"{where}: cast to data type {to} is not supported (int64, int32 and float are)"),
    };

    static long Count(long[] dims, string where)
    {
        long n = 1;
        foreach (long d in dims)
        {
            n *= d;
            if (n > ShapeInference.MaxElements)
                throw new ConversionException($"{where}: [{string.Join(",", dims)}] has too many elements");
        }
        return n;
    }

    static long[] Strides(long[] dims)
    {
        var strides = new long[dims.Length];
        long s = 1;
        for (int a = dims.Length - 1; a >= 0; a--)
        {
            strides[a] = s;
            s *= dims[a];
        }
        return strides;
    }

    /// <summary>Builds a tensor of <paramref name="dims"/> whose element at each output index is the input element at
    /// <paramref name="source"/>(index).</summary>
    static ConstantValue Gather(ConstantValue data, long[] dims, Func<long[], long> source)
    {
        long count = 1;
        foreach (long d in dims)
            count *= d;
        var index = new long[dims.Length];
        var floats = data.Floats is null ? null : new float[count];
        var ints = data.Ints is null ? null : new long[count];
        for (long i = 0; i < count; i++)
        {
            long from = source(index);
            if (floats is not null)
                floats[i] = data.Floats![from];
            else
                ints![i] = data.Ints![from];
            for (int a = dims.Length - 1; a >= 0; a--)
            {
                if (++index[a] < dims[a])
                    break;
                index[a] = 0;
            }
        }
        return new ConstantValue(dims, floats, ints);
    }
}
