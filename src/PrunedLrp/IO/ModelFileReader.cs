using System.Buffers.Binary;
using System.Runtime.InteropServices;
using PrunedLrp.Graph;
using static PrunedLrp.IO.ModelFileLayout;

namespace PrunedLrp.IO;

/// <summary>Parses and validates a model file image (docs/model-format.md). Checks run in file order: fixed header,
/// length and checksum, then each record, then the graph (<see cref="ShapeInference"/>).</summary>
internal static class ModelFileReader
{
    /// <summary>Where one parameter lives: element offset into the blob and element count.</summary>
    readonly record struct ParamRef(long Start, int Count);

    /// <summary>Parses <paramref name="file"/>. When <paramref name="fileAsFloats"/> is the float array whose bytes are
    /// <paramref name="file"/>, parameters are slices of it; otherwise the blob is copied once into a new array.
    /// <paramref name="checksum"/>, when given, is the CRC-32 of all but the file's last 4 bytes, computed as it was
    /// read (<see cref="ModelFile.Read(string)"/>); otherwise it is computed here. <paramref name="finite"/>, when given
    /// with <paramref name="fileAsFloats"/>, says which chunks of the file were found finite as it was read: parameters
    /// inside them are not scanned again.</summary>
    public static ModelSpec Parse(ReadOnlySpan<byte> file, string source, float[]? fileAsFloats, uint? checksum = null, FiniteChunks? finite = null)
    {
        var header = ReadHeader(file, source, checksum);
        var cursor = new ModelFileCursor(file, HeaderSize, (int)header.BlobOffset, source);

        int rank = cursor.ReadCount("input shape rank", MaxInputRank, 4);
        if (rank == 0)
            throw cursor.Fail("input shape rank", "must be 1 to 3");
        int[] inputShape = cursor.ReadInt32Array(rank, "input shape");
        CheckDims(ref cursor, inputShape, "input shape");

        if ((long)header.LabelCount * 4 > cursor.Remaining)
            throw cursor.Fail("label count", $"{header.LabelCount} labels cannot fit in the {cursor.Remaining} bytes left");
        var labels = new string[header.LabelCount];
        for (int i = 0; i < labels.Length; i++)
            labels[i] = cursor.ReadString($"label {i}", ModelFile.MaxLabelBytes);

        if ((long)header.NodeCount * MinNodeRecordSize > cursor.Remaining)
            throw cursor.Fail("node count", $"{header.NodeCount} nodes need at least {(long)header.NodeCount * MinNodeRecordSize} bytes, only {cursor.Remaining} remain");
        var records = new NodeRecord[header.NodeCount];
        for (int id = 0; id < records.Length; id++)
            records[id] = ReadNode(ref cursor, id, header.BlobLength);

        if (Align(cursor.Position) != header.BlobOffset)
            throw cursor.Fail("blob offset", $"{header.BlobOffset} is not the node table end {cursor.Position} rounded up to {ModelFile.BlobAlignment}");

        // Everything is validated: now the parameters get their one home.
        float[] blob;
        long blobBase;
        if (fileAsFloats is not null)
        {
            blob = fileAsFloats;
            blobBase = header.BlobOffset / 4;
        }
        else
        {
            blob = new float[header.BlobLength / 4];
            file.Slice((int)header.BlobOffset, (int)header.BlobLength).CopyTo(MemoryMarshal.AsBytes(blob.AsSpan()));
            blobBase = 0;
        }
        if (!BitConverter.IsLittleEndian)
            ReverseEndianness(blob.AsSpan((int)blobBase, (int)(header.BlobLength / 4)));

        var nodes = new NodeSpec[records.Length];
        for (int id = 0; id < nodes.Length; id++)
        {
            nodes[id] = records[id].ToNode(blob, blobBase);
            if (!ScannedFinite(finite, fileAsFloats, blobBase, records[id].Weight))
                CheckFinite(source, id, nodes[id].Name, "weight", nodes[id].Weight);
            if (!ScannedFinite(finite, fileAsFloats, blobBase, records[id].Bias))
                CheckFinite(source, id, nodes[id].Name, "bias", nodes[id].Bias);
        }
        var model = new ModelSpec { InputShape = inputShape, Labels = labels, Nodes = nodes };

        int[][] shapes;
        try
        {
            shapes = ShapeInference.Infer(model);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source}: node table: {e.Message}", e);
        }
        long outputs = ShapeInference.Elements(shapes[^1]);
        if (labels.Length != 0 && labels.Length != outputs)
            throw new InvalidDataException($"{source}: label count: {labels.Length} labels for {outputs} outputs (want 0 or {outputs})");
        return model;
    }

    readonly record struct Header(int NodeCount, int LabelCount, long BlobOffset, long BlobLength);

    static Header ReadHeader(ReadOnlySpan<byte> file, string source, uint? checksum)
    {
        if (file.Length < HeaderSize + ChecksumSize)
            throw new InvalidDataException($"{source}: file length: {file.Length} bytes is shorter than the {HeaderSize + ChecksumSize}-byte header and checksum");
        if (!file[..8].SequenceEqual(ModelFile.Magic))
            throw new InvalidDataException($"{source}: magic: not a model file (the first 8 bytes are not \"PLRPMODL\")");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(file[VersionOffset..]);
        if (version != ModelFile.Version)
            throw new InvalidDataException($"{source}: version: {version} is not supported (this reader reads version {ModelFile.Version})");
        ulong fileLength = BinaryPrimitives.ReadUInt64LittleEndian(file[FileLengthOffset..]);
        if (fileLength != (ulong)file.Length)
            throw new InvalidDataException($"{source}: file length: header says {fileLength} bytes, the file has {file.Length} (truncated or appended to)");
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(file[^ChecksumSize..]);
        uint actual = checksum ?? Crc32.Compute(file[..^ChecksumSize]);
        if (stored != actual)
            throw new InvalidDataException($"{source}: checksum: stored CRC-32 0x{stored:X8} differs from the computed 0x{actual:X8} (the file is corrupted)");

        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(file[FlagsOffset..]);
        if (flags != 0)
            throw new InvalidDataException($"{source}: flags: 0x{flags:X8} has unknown bits set (must be 0)");
        uint nodeCount = BinaryPrimitives.ReadUInt32LittleEndian(file[NodeCountOffset..]);
        if (nodeCount is 0 or > ModelFile.MaxNodes)
            throw new InvalidDataException($"{source}: node count: {nodeCount} is outside 1..{ModelFile.MaxNodes}");
        uint labelCount = BinaryPrimitives.ReadUInt32LittleEndian(file[LabelCountOffset..]);
        if (labelCount > ModelFile.MaxLabels)
            throw new InvalidDataException($"{source}: label count: {labelCount} exceeds the limit of {ModelFile.MaxLabels}");
        ulong blobOffset = BinaryPrimitives.ReadUInt64LittleEndian(file[BlobOffsetOffset..]);
        ulong blobLength = BinaryPrimitives.ReadUInt64LittleEndian(file[BlobLengthOffset..]);
        if (blobOffset % ModelFile.BlobAlignment != 0 || blobOffset < HeaderSize || blobOffset > (ulong)file.Length - ChecksumSize)
            throw new InvalidDataException($"{source}: blob offset: {blobOffset} must be a multiple of {ModelFile.BlobAlignment} between {HeaderSize} and the checksum at {file.Length - ChecksumSize}");
        if (blobLength % 4 != 0 || blobOffset + blobLength != (ulong)file.Length - ChecksumSize)
            throw new InvalidDataException($"{source}: blob length: {blobLength} must be a multiple of 4 and end where the checksum starts ({file.Length - ChecksumSize}; blob starts at {blobOffset})");
        return new Header((int)nodeCount, (int)labelCount, (long)blobOffset, (long)blobLength);
    }

    /// <summary>A node as read, with parameter references not yet resolved to memory.</summary>
    sealed record NodeRecord(OpKind Kind, string Name, int[] Inputs, int[] Kernel, int[] Strides, int[] PadsBegin,
        int[] PadsEnd, int[] Dilations, int Groups, bool CountIncludePad, bool CeilMode, int[] WeightShape,
        ParamRef Weight, ParamRef Bias)
    {
        public NodeSpec ToNode(float[] blob, long blobBase) => new()
        {
            Kind = Kind, Name = Name, Inputs = Inputs, Kernel = Kernel, Strides = Strides, PadsBegin = PadsBegin,
            PadsEnd = PadsEnd, Dilations = Dilations, Groups = Groups, CountIncludePad = CountIncludePad,
            CeilMode = CeilMode, WeightShape = WeightShape,
            Weight = new ReadOnlyMemory<float>(blob, (int)(blobBase + Weight.Start), Weight.Count),
            Bias = new ReadOnlyMemory<float>(blob, (int)(blobBase + Bias.Start), Bias.Count),
        };
    }

    static NodeRecord ReadNode(ref ModelFileCursor cursor, int id, long blobLength)
    {
        string at = $"node {id}";
        uint kind = cursor.ReadUInt32($"{at} kind");
        if (!Enum.IsDefined((OpKind)kind) || kind > int.MaxValue)
            throw cursor.Fail($"{at} kind", $"{kind} is not a known op kind");
        string name = cursor.ReadString($"{at} name", ModelFile.MaxNameBytes);
        at = name.Length == 0 ? at : $"node {id} '{name}'";

        int inputCount = cursor.ReadCount($"{at} input count", MaxNodeInputs, 4);
        int[] inputs = cursor.ReadInt32Array(inputCount, $"{at} inputs");
        foreach (int input in inputs)
        {
            if (input < 0 || input >= id)
                throw cursor.Fail($"{at} inputs", $"id {input} is not an earlier node (0..{id - 1})");
        }

        int spatial = cursor.ReadCount($"{at} spatial rank", MaxSpatialRank, 5 * 4);
        int[] kernel = cursor.ReadInt32Array(spatial, $"{at} kernel");
        int[] strides = cursor.ReadInt32Array(spatial, $"{at} strides");
        int[] padsBegin = cursor.ReadInt32Array(spatial, $"{at} pads begin");
        int[] padsEnd = cursor.ReadInt32Array(spatial, $"{at} pads end");
        int[] dilations = cursor.ReadInt32Array(spatial, $"{at} dilations");
        int groups = cursor.ReadInt32($"{at} groups");
        if (groups < 1)
            throw cursor.Fail($"{at} groups", $"{groups} must be >= 1");
        uint flags = cursor.ReadUInt32($"{at} flags");
        if ((flags & ~3u) != 0)
            throw cursor.Fail($"{at} flags", $"0x{flags:X8} has unknown bits set (only bit 0 count_include_pad and bit 1 ceil_mode exist)");

        int weightRank = cursor.ReadCount($"{at} weight rank", MaxWeightRank, 4);
        int[] weightShape = cursor.ReadInt32Array(weightRank, $"{at} weight shape");
        CheckDims(ref cursor, weightShape, $"{at} weight shape");
        long weightCount = weightRank == 0 ? 0 : ShapeInference.Elements(weightShape);
        var weight = ReadParam(ref cursor, $"{at} weight", weightCount, blobLength);
        uint biasLength = cursor.ReadUInt32($"{at} bias length");
        var bias = ReadParam(ref cursor, $"{at} bias", biasLength, blobLength);
        return new NodeRecord((OpKind)kind, name, inputs, kernel, strides, padsBegin, padsEnd, dilations, groups,
            (flags & 1) != 0, (flags & 2) != 0, weightShape, weight, bias);
    }

    static ParamRef ReadParam(ref ModelFileCursor cursor, string field, long count, long blobLength)
    {
        ulong offset = cursor.ReadUInt64($"{field} offset");
        if (count > ShapeInference.MaxElements)
            throw cursor.Fail(field, $"{count} values exceed the limit of {ShapeInference.MaxElements}");
        if (count == 0)
        {
            if (offset != 0)
                throw cursor.Fail($"{field} offset", $"{offset} must be 0 for an empty parameter");
            return new ParamRef(0, 0);
        }
        if (offset % 4 != 0 || offset > (ulong)blobLength || (ulong)count * 4 > (ulong)blobLength - offset)
            throw cursor.Fail($"{field} offset", $"{count} floats at byte {offset} do not lie within the {blobLength}-byte blob (or the offset is not a multiple of 4)");
        return new ParamRef((long)(offset / 4), (int)count);
    }

    // Whether the chunks the parameter's bytes lie in were all found finite as the file was read (only when the blob is
    // the file's own buffer, so that element offsets are file offsets).
    static bool ScannedFinite(FiniteChunks? finite, float[]? fileAsFloats, long blobBase, ParamRef param) =>
        finite is not null && fileAsFloats is not null && finite.AllFinite((blobBase + param.Start) * 4, (long)param.Count * 4);

    static void CheckFinite(string source, int id, string name, string field, ReadOnlyMemory<float> values)
    {
        int at = FiniteValues.FirstNonFinite(values);
        if (at >= 0)
            throw new InvalidDataException($"{source}: node {id} ({name}) {field}: value {at} is {values.Span[at]} (parameters must be finite numbers)");
    }

    static void CheckDims(ref ModelFileCursor cursor, int[] shape, string field)
    {
        foreach (int d in shape)
        {
            if (d < 1)
                throw cursor.Fail(field, $"dimension {d} in [{string.Join(",", shape)}] must be >= 1");
        }
        if (ShapeInference.Elements(shape) > ShapeInference.MaxElements)
            throw cursor.Fail(field, $"[{string.Join(",", shape)}] has more than {ShapeInference.MaxElements} elements");
    }

    static void ReverseEndianness(Span<float> values)
    {
        var bits = MemoryMarshal.Cast<float, int>(values);
        BinaryPrimitives.ReverseEndianness(bits, bits);
    }
}
