using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using PrunedLrp.Graph;
using static PrunedLrp.IO.ModelFileLayout;

namespace PrunedLrp.IO;

/// <summary>Builds the file image of a <see cref="ModelSpec"/> (docs/model-format.md): sizes everything first, then
/// fills one byte array, so the writer and <see cref="ModelFileReader"/> agree on every offset.</summary>
internal static class ModelFileWriter
{
    public static byte[] ToBytes(ModelSpec model)
    {
        int[][] shapes = ShapeInference.Infer(model);
        long outputs = ShapeInference.Elements(shapes[^1]);
        if (model.Labels.Count != 0 && model.Labels.Count != outputs)
            throw new InvalidDataException($"label count: {model.Labels.Count} labels for {outputs} outputs (want 0 or {outputs})");
        var nodes = model.Nodes;
        if (nodes.Count > ModelFile.MaxNodes)
            throw new InvalidDataException($"node count: {nodes.Count} exceeds the limit of {ModelFile.MaxNodes}");
        if (model.Labels.Count > ModelFile.MaxLabels)
            throw new InvalidDataException($"label count: {model.Labels.Count} exceeds the limit of {ModelFile.MaxLabels}");

        // Pass 1: sizes and blob placement (each parameter 64-byte aligned inside the blob).
        long meta = HeaderSize + 4 + 4L * model.InputShape.Length;
        var labelBytes = new byte[model.Labels.Count][];
        for (int i = 0; i < labelBytes.Length; i++)
        {
            labelBytes[i] = Utf8(model.Labels[i], ModelFile.MaxLabelBytes, $"label {i}");
            meta += 4 + labelBytes[i].Length;
        }
        var nameBytes = new byte[nodes.Count][];
        var weightOffsets = new long[nodes.Count];
        var biasOffsets = new long[nodes.Count];
        long blob = 0;
        for (int id = 0; id < nodes.Count; id++)
        {
            var node = nodes[id];
            nameBytes[id] = Utf8(node.Name, ModelFile.MaxNameBytes, $"node {id} name");
            int spatial = SpatialRank(node, id);
            if (node.WeightShape.Length > MaxWeightRank)
                throw new InvalidDataException($"node {id} ({node}): weight rank {node.WeightShape.Length} exceeds {MaxWeightRank}");
            long weightCount = node.WeightShape.Length == 0 ? 0 : ShapeInference.Elements(node.WeightShape);
            if (weightCount != node.Weight.Length)
                throw new InvalidDataException($"node {id} ({node}): weight has {node.Weight.Length} values, its shape [{string.Join(",", node.WeightShape)}] needs {weightCount}");
            meta += MinNodeRecordSize + nameBytes[id].Length + 4L * node.Inputs.Length + 20L * spatial + 4L * node.WeightShape.Length;
            weightOffsets[id] = Place(ref blob, node.Weight.Length);
            biasOffsets[id] = Place(ref blob, node.Bias.Length);
        }
        long blobOffset = Align(meta);
        long fileLength = blobOffset + blob + ChecksumSize;
        if (fileLength > ModelFile.MaxFileBytes)
            throw new InvalidDataException($"file length: the model needs {fileLength} bytes, more than the limit of {ModelFile.MaxFileBytes}");

        // Pass 2: fill.
        var bytes = new byte[fileLength];
        var span = bytes.AsSpan();
        ModelFile.Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[VersionOffset..], ModelFile.Version);
        BinaryPrimitives.WriteUInt64LittleEndian(span[FileLengthOffset..], (ulong)fileLength);
        BinaryPrimitives.WriteInt32LittleEndian(span[NodeCountOffset..], nodes.Count);
        BinaryPrimitives.WriteInt32LittleEndian(span[LabelCountOffset..], labelBytes.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(span[BlobOffsetOffset..], (ulong)blobOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(span[BlobLengthOffset..], (ulong)blob);
        int pos = HeaderSize;
        WriteInts(span, ref pos, model.InputShape, withCount: true);
        foreach (var label in labelBytes)
            WriteBytes(span, ref pos, label);
        for (int id = 0; id < nodes.Count; id++)
        {
            var node = nodes[id];
            WriteU32(span, ref pos, (uint)node.Kind);
            WriteBytes(span, ref pos, nameBytes[id]);
            WriteInts(span, ref pos, node.Inputs, withCount: true);
            WriteU32(span, ref pos, (uint)node.Kernel.Length);
            WriteInts(span, ref pos, node.Kernel, withCount: false);
            WriteInts(span, ref pos, node.Strides, withCount: false);
            WriteInts(span, ref pos, node.PadsBegin, withCount: false);
            WriteInts(span, ref pos, node.PadsEnd, withCount: false);
            WriteInts(span, ref pos, node.Dilations, withCount: false);
            WriteU32(span, ref pos, (uint)node.Groups);
            WriteU32(span, ref pos, (node.CountIncludePad ? 1u : 0u) | (node.CeilMode ? 2u : 0u));
            WriteInts(span, ref pos, node.WeightShape, withCount: true);
            WriteU64(span, ref pos, weightOffsets[id]);
            WriteU32(span, ref pos, (uint)node.Bias.Length);
            WriteU64(span, ref pos, biasOffsets[id]);
            CopyFloats(node.Weight.Span, span, blobOffset + weightOffsets[id]);
            CopyFloats(node.Bias.Span, span, blobOffset + biasOffsets[id]);
        }
        if (pos != meta)
            throw new InvalidOperationException($"model writer: wrote {pos} metadata bytes, sized {meta}");
        BinaryPrimitives.WriteUInt32LittleEndian(span[^ChecksumSize..], Crc32.Compute(span[..^ChecksumSize]));
        return bytes;
    }

    static int SpatialRank(NodeSpec node, int id)
    {
        int s = node.Kernel.Length;
        if (s > MaxSpatialRank || node.Strides.Length != s || node.PadsBegin.Length != s || node.PadsEnd.Length != s || node.Dilations.Length != s)
            throw new InvalidDataException($"node {id} ({node}): kernel/strides/pads/dilations must have one common length of at most {MaxSpatialRank}");
        if (node.Groups < 1)
            throw new InvalidDataException($"node {id} ({node}): groups {node.Groups} must be >= 1");
        return s;
    }

    /// <summary>Reserves <paramref name="count"/> floats at the next aligned blob offset; empty parameters get 0.</summary>
    static long Place(ref long blob, int count)
    {
        if (count == 0)
            return 0;
        long offset = Align(blob);
        blob = offset + 4L * count;
        return offset;
    }

    static byte[] Utf8(string text, int maxBytes, string field)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length > maxBytes)
            throw new InvalidDataException($"{field}: {bytes.Length} UTF-8 bytes exceed the limit of {maxBytes}");
        return bytes;
    }

    static void CopyFloats(ReadOnlySpan<float> values, Span<byte> file, long offset)
    {
        var target = file.Slice((int)offset, values.Length * 4);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(target);
            return;
        }
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(target[(i * 4)..], values[i]);
    }

    static void WriteU32(Span<byte> span, ref int pos, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(span[pos..], value);
        pos += 4;
    }

    static void WriteU64(Span<byte> span, ref int pos, long value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(span[pos..], (ulong)value);
        pos += 8;
    }

    static void WriteInts(Span<byte> span, ref int pos, int[] values, bool withCount)
    {
        if (withCount)
            WriteU32(span, ref pos, (uint)values.Length);
        foreach (int v in values)
            WriteU32(span, ref pos, (uint)v);
    }

    static void WriteBytes(Span<byte> span, ref int pos, byte[] bytes)
    {
        WriteU32(span, ref pos, (uint)bytes.Length);
        bytes.CopyTo(span[pos..]);
        pos += bytes.Length;
    }
}
