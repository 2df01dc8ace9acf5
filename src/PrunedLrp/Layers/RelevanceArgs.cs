namespace PrunedLrp.Layers;

/// <summary>
/// What one backward (relevance) step of a node sees: the cached forward tensors, the relevance arriving at its output,
/// and where to write the relevance of its inputs. Buffers are [batch, ...] with per-sample sizes of the node.
/// </summary>
internal ref struct RelevanceArgs
{
    /// <summary>Samples in the batch.</summary>
    public int Batch;

    /// <summary>First input's activations (the forward cache).</summary>
    public ReadOnlySpan<float> X;

    /// <summary>Second input's activations (Add only).</summary>
    public ReadOnlySpan<float> X2;

    /// <summary>This node's output from the forward pass.</summary>
    public ReadOnlySpan<float> Z;

    /// <summary>Relevance arriving at the output.</summary>
    public ReadOnlySpan<float> ROut;

    /// <summary>Relevance of the first input (overwritten).</summary>
    public Span<float> RIn;

    /// <summary>Relevance of the second input (Add only; overwritten; empty = not wanted).</summary>
    public Span<float> RIn2;

    /// <summary>PLRP-M: 1 where an entry of the first input is kept, 0 where pruned; empty = no mask.</summary>
    public ReadOnlySpan<float> Mask;

    /// <summary>PLRP-M mask of the second input (Add only).</summary>
    public ReadOnlySpan<float> Mask2;

    /// <summary>The first input's kept entries as index lists when the mask is sparse enough to list (empty: use
    /// <see cref="Mask"/> only); linear operators then work on those entries alone.</summary>
    public KeptEntries Kept;

    /// <summary>Scratch of at least the step's declared size.</summary>
    public Span<float> Scratch;

    /// <summary>Sample <paramref name="n"/> of a one-input step without masks, as a batch of one
    /// (<paramref name="inSize"/> and <paramref name="outSize"/>: a sample's input and output sizes).</summary>
    public readonly RelevanceArgs Sample(int n, int inSize, int outSize) => new()
    {
        Batch = 1,
        X = X.IsEmpty ? default : X.Slice(n * inSize, inSize),
        Z = Z.IsEmpty ? default : Z.Slice(n * outSize, outSize),
        ROut = ROut.Slice(n * outSize, outSize),
        RIn = RIn.Slice(n * inSize, inSize),
        Scratch = Scratch,
    };
}
