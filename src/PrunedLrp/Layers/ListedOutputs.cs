using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PrunedLrp.Layers;

/// <summary>
/// The non-zero entries of the relevance arriving at a linear layer's output, listed per sample (ascending) when every
/// sample has few enough for the layer's listed-output products to pay (<see cref="ILinearOperator.ListedOutputLimit"/>).
/// Pruned relevance is that sparse: at p = 0.9, ResNet-50's points keep from 2 of 802,816 entries to 1.5% (the bench
/// model, a random 224x224 input), the demo's trained Fashion-MNIST and DNA models 0.06-0.8% (6% at a 32-entry point).
/// A rule's <c>s = R / z</c> is zero wherever R is, so its denominators are needed and its
/// transposed products have input at the listed entries only. The scan stops at the first sample over the limit, so
/// dense relevance (plain LRP) costs the reads of about a limit's worth of entries.
/// </summary>
internal static class ListedOutputs
{
    // PRUNEDLRP_LISTED_OUTPUTS=0 keeps every product dense (A/B timing).
    static readonly bool s_enabled = Environment.GetEnvironmentVariable("PRUNEDLRP_LISTED_OUTPUTS") != "0";

    /// <summary>
    /// Lists the entries of <paramref name="r"/> [<paramref name="batch"/>, size] that are not zero (NaN included) into
    /// the start of <paramref name="buffer"/>, and hands out what follows as <paramref name="values"/>: room for
    /// <paramref name="valueSpans"/> floats per listed entry. False, with nothing listed, when some sample has more than
    /// <paramref name="limit"/> entries, or the buffer cannot hold the lists and values.
    /// </summary>
    public static bool TryList(ReadOnlySpan<float> r, int batch, int limit, int valueSpans, Span<float> buffer, out KeptEntries list,
        out Span<float> values)
    {
        list = default;
        values = default;
        if (!s_enabled || batch <= 0 || limit <= 0 || r.Length % batch != 0)
            return false;
        // Starts, then indices of at most `limit` entries a sample, then the value spans of as many.
        limit = (int)Math.Min(limit, (buffer.Length - batch - 1L) / ((1L + valueSpans) * batch));
        if (limit <= 0)
            return false;
        int size = r.Length / batch;
        var ints = MemoryMarshal.Cast<float, int>(buffer[..(batch + 1 + batch * limit)]);
        var starts = ints[..(batch + 1)];
        var indices = ints[(batch + 1)..];
        int count = 0;
        starts[0] = 0;
        for (int n = 0; n < batch; n++)
        {
            int found = List(r.Slice(n * size, size), limit, indices[count..(count + limit)]);
            if (found < 0)
                return false;
            count += found;
            starts[n + 1] = count;
        }
        list = new KeptEntries(indices[..count], starts);
        values = buffer.Slice(batch + 1 + batch * limit, valueSpans * count);
        return true;
    }

    // The non-zero entries of one sample into `indices` (ascending), or -1 past indices.Length of them.
    static int List(ReadOnlySpan<float> r, int limit, Span<int> indices)
    {
        int count = 0, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float start = ref MemoryMarshal.GetReference(r);
            for (; i + Vector256<float>.Count <= r.Length; i += Vector256<float>.Count)
            {
                uint bits = ~Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)i), Vector256<float>.Zero).ExtractMostSignificantBits()
                    & 0xFFu;
                while (bits != 0)
                {
                    if (count == limit)
                        return -1;
                    indices[count++] = i + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                }
            }
        }
        for (; i < r.Length; i++)
        {
            if (r[i] != 0f)
            {
                if (count == limit)
                    return -1;
                indices[count++] = i;
            }
        }
        return count;
    }

    /// <summary>Sample <paramref name="n"/>'s part of a span with one value per listed entry.</summary>
    public static Span<float> Of(Span<float> values, KeptEntries list, int n) => values[list.Starts[n]..list.Starts[n + 1]];

    /// <summary>values[k] = source[n * size + list[k]] over every sample n of the list (one span of the listed values).</summary>
    public static void Gather(ReadOnlySpan<float> source, KeptEntries list, Span<float> values)
    {
        int size = source.Length / list.Batch;
        for (int n = 0; n < list.Batch; n++)
            GatherSample(source.Slice(n * size, size), list.Of(n), Of(values, list, n));
    }

    /// <summary>values[k] = sample[indices[k]]: one sample's listed values.</summary>
    public static void GatherSample(ReadOnlySpan<float> sample, ReadOnlySpan<int> indices, Span<float> values)
    {
        for (int k = 0; k < indices.Length; k++)
            values[k] = sample[indices[k]];
    }
}
