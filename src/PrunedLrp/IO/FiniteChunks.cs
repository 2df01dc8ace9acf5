namespace PrunedLrp.IO;

/// <summary>
/// Which fixed-size chunks of a file hold no NaN or infinity among their float32 words (4-byte aligned), found while
/// each chunk was in cache right after it was read (<see cref="ModelFileLoader"/>), so that the parameters inside
/// finite chunks need no second pass over memory (<see cref="ModelFileReader"/>).
/// </summary>
/// <remarks>Header and node-table bytes are scanned as floats too; where such a word looks like NaN, its chunk is simply
/// not marked, and the parameters in it are scanned on their own as before. A chunk no one marked counts as unknown.</remarks>
internal sealed class FiniteChunks
{
    readonly bool[] _finite;
    readonly long _length;

    /// <summary>Chunks of <paramref name="chunkBytes"/> (a multiple of 4) over a file of <paramref name="length"/> bytes.</summary>
    public FiniteChunks(long length, int chunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (chunkBytes <= 0 || chunkBytes % 4 != 0)
            throw new ArgumentOutOfRangeException(nameof(chunkBytes), chunkBytes, "must be a positive multiple of 4");
        ChunkBytes = chunkBytes;
        _length = length;
        _finite = new bool[(length + chunkBytes - 1) / chunkBytes];
    }

    /// <summary>Bytes per chunk.</summary>
    public int ChunkBytes { get; }

    /// <summary>Scans the floats of the chunk that starts at byte <paramref name="start"/> (a chunk boundary), given as
    /// <paramref name="values"/>, and marks the chunk when all are finite.</summary>
    public void Scan(long start, ReadOnlySpan<float> values)
    {
        if (start % ChunkBytes != 0)
            throw new ArgumentException($"byte {start} is not a chunk boundary", nameof(start));
        _finite[start / ChunkBytes] = FiniteValues.FirstNonFinite(values) < 0;
    }

    /// <summary>Whether every chunk that bytes [<paramref name="start"/>, start + <paramref name="length"/>) touch was
    /// marked finite (true for an empty range, false for one that leaves the file).</summary>
    public bool AllFinite(long start, long length)
    {
        if (length <= 0)
            return true;
        if (start < 0 || length > _length - start)
            return false;
        long first = start / ChunkBytes, last = (start + length - 1) / ChunkBytes;
        for (long k = first; k <= last; k++)
        {
            if (!_finite[k])
                return false;
        }
        return true;
    }
}
