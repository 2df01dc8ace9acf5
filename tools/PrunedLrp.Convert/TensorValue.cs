namespace PrunedLrp.Convert;

/// <summary>What an ONNX tensor name stands for while the graph is imported.</summary>
internal abstract record TensorValue;

/// <summary>The output of a layer of the model being built.</summary>
internal sealed record ActivationValue(LayerBuilder Layer) : TensorValue;

/// <summary>
/// A constant known at conversion time (initializer, Constant node, or a folded shape computation). Float tensors
/// keep <see cref="Floats"/>, integer tensors <see cref="Ints"/>; in an integer vector computed from a Shape op the
/// free batch dimension is <see cref="Batch"/>.
/// </summary>
internal sealed record ConstantValue(long[] Dims, float[]? Floats, long[]? Ints) : TensorValue
{
    /// <summary>Stands for the batch size, unknown until run time, inside shape vectors.</summary>
    public const long Batch = long.MinValue;

    public long Count => Floats?.Length ?? Ints!.Length;
}

/// <summary>A zero Pad not yet applied: it must be read by a Conv or pool, which absorbs it into its own padding.</summary>
internal sealed record PaddedValue(LayerBuilder Source, int[] Begin, int[] End, string PadNode) : TensorValue;
