namespace PrunedLrp.IO;

/// <summary>Byte offsets and sizes of the model file's fixed parts (docs/model-format.md, section "Header").</summary>
internal static class ModelFileLayout
{
    public const int MagicOffset = 0;
    public const int VersionOffset = 8;
    public const int FlagsOffset = 12;
    public const int FileLengthOffset = 16;
    public const int NodeCountOffset = 24;
    public const int LabelCountOffset = 28;
    public const int BlobOffsetOffset = 32;
    public const int BlobLengthOffset = 40;

    /// <summary>Size of the fixed header; the input shape record follows it.</summary>
    public const int HeaderSize = 48;

    /// <summary>Size of the CRC-32 trailer.</summary>
    public const int ChecksumSize = 4;

    /// <summary>Smallest node record: kind, name length, input count, spatial rank, groups, flags, weight rank,
    /// weight offset, bias length, bias offset (all with empty arrays and name).</summary>
    public const int MinNodeRecordSize = 4 + 4 + 4 + 4 + 4 + 4 + 4 + 8 + 4 + 8;

    /// <summary>Largest weight rank: [out, in/groups, kh, kw].</summary>
    public const int MaxWeightRank = 4;

    /// <summary>Largest spatial rank of a window op.</summary>
    public const int MaxSpatialRank = 2;

    /// <summary>Largest input rank without batch.</summary>
    public const int MaxInputRank = 3;

    /// <summary>Largest number of inputs of one node.</summary>
    public const int MaxNodeInputs = 2;

    /// <summary>Rounds <paramref name="offset"/> up to a multiple of <see cref="ModelFile.BlobAlignment"/>.</summary>
    public static long Align(long offset) => (offset + ModelFile.BlobAlignment - 1) / ModelFile.BlobAlignment * ModelFile.BlobAlignment;
}
