namespace PrunedLrp.Pruning;

/// <summary>
/// Lookup tables for the AVX2 selection kernels, indexed by an 8-lane compare mask (one bit per lane). Built once;
/// 2 KiB each, so they stay in L1 next to the data being streamed.
/// </summary>
internal static class SelectionTables
{
    /// <summary>
    /// <c>PackIndices[mask]</c>: 8 byte-sized lane indices (byte j of the ulong is the source lane of output lane j) that
    /// move the lanes whose mask bit is set to the front, in order. Unused output lanes read lane 0 (garbage that the
    /// caller overwrites or ignores). Zero-extended to int32 it is the control vector of <c>vpermps</c>.
    /// </summary>
    internal static readonly ulong[] PackIndices = BuildPackIndices();

    /// <summary><c>SpreadBits[mask]</c>: byte j is bit j of mask (0 or 1), i.e. the mask as 8 <see cref="bool"/>s.</summary>
    internal static readonly ulong[] SpreadBits = BuildSpreadBits();

    static ulong[] BuildPackIndices()
    {
        var table = new ulong[256];
        for (int mask = 0; mask < 256; mask++)
        {
            ulong packed = 0;
            int outLane = 0;
            for (int lane = 0; lane < 8; lane++)
            {
                if ((mask >> lane & 1) != 0)
                    packed |= (ulong)lane << (8 * outLane++);
            }
            table[mask] = packed;
        }
        return table;
    }

    static ulong[] BuildSpreadBits()
    {
        var table = new ulong[256];
        for (int mask = 0; mask < 256; mask++)
        {
            ulong bytes = 0;
            for (int lane = 0; lane < 8; lane++)
                bytes |= (ulong)(mask >> lane & 1) << (8 * lane);
            table[mask] = bytes;
        }
        return table;
    }
}
