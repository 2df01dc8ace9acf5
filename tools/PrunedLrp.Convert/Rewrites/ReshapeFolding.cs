namespace PrunedLrp.Convert.Rewrites;

/// <summary>
/// Recognises a Reshape that flattens each sample, <c>[N, d1, d2, ...] -> [N, d1 * d2 * ...]</c>, from its constant
/// target shape. The target usually comes from PyTorch's <c>x.view(x.size(0), -1)</c>, exported as
/// Shape -> Gather -> Unsqueeze -> Concat([N, -1]); after constant folding its first entry is the batch symbol.
/// </summary>
internal static class ReshapeFolding
{
    /// <summary>Whether reshaping a tensor of ONNX shape [N, <paramref name="onnxShape"/>...] to
    /// <paramref name="target"/> (values as in ONNX: 0 copies the input dim, -1 is inferred, or
    /// <see cref="ConstantValue.Batch"/>) keeps the batch axis and flattens the rest.</summary>
    public static bool IsBatchFlatten(long[] target, int[] onnxShape, bool allowZero, out string reason)
    {
        long features = 1;
        foreach (int d in onnxShape)
            features *= d;
        if (target.Length != 2)
        {
            reason = $"target shape has {target.Length} entries; only [batch, -1] (flatten each sample) is supported";
            return false;
        }
        long first = target[0], second = target[1];
        bool firstIsBatch = first == ConstantValue.Batch || (first == 0 && !allowZero);
        if (firstIsBatch && (second == -1 || second == features))
        {
            reason = "";
            return true;
        }
        if (first == -1 && second == features)
        {
            reason = "";
            return true;
        }
        reason = $"target shape [{Show(first)}, {Show(second)}] is not [batch, -1] or [batch, {features}] for a sample of [{string.Join(",", onnxShape)}]"
            + (first > 0 ? " (a fixed first entry bakes the export's batch size into the model)" : "");
        return false;
    }

    static string Show(long v) => v == ConstantValue.Batch ? "batch" : v.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
