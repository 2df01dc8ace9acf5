using System.Runtime.InteropServices;
using PrunedLrp.Graph;

namespace PrunedLrp.IO;

/// <summary>
/// Reads and writes the model file (<c>.plrp</c>): a versioned little-endian binary holding a <see cref="ModelSpec"/>,
/// its float32 parameters in one 64-byte aligned blob, and a CRC-32 of everything before it. docs/model-format.md is
/// the byte-level specification.
/// </summary>
/// <remarks>
/// Files are untrusted input: every count, length, shape, node id and offset is checked against the caps below and the
/// file length before anything is allocated, the graph is validated with <see cref="ShapeInference.Infer"/>, and every
/// problem is an <see cref="InvalidDataException"/> whose message names the file, the field and the problem.
/// Loading copies the parameters at most once: the parameters of the returned model are slices of one float array.
/// </remarks>
public static class ModelFile
{
    /// <summary>The 8 magic bytes at offset 0: ASCII "PLRPMODL".</summary>
    public static ReadOnlySpan<byte> Magic => "PLRPMODL"u8;

    /// <summary>The format version this library writes and reads.</summary>
    public const uint Version = 1;

    /// <summary>Largest node count accepted.</summary>
    public const int MaxNodes = 100_000;

    /// <summary>Largest label count accepted.</summary>
    public const int MaxLabels = 1_000_000;

    /// <summary>Largest UTF-8 byte length of a node name.</summary>
    public const int MaxNameBytes = 1024;

    /// <summary>Largest UTF-8 byte length of a class label.</summary>
    public const int MaxLabelBytes = 4096;

    /// <summary>Largest file accepted: one array of bytes (2 GiB - 1).</summary>
    public const long MaxFileBytes = int.MaxValue;

    /// <summary>Alignment of the parameter blob in the file and of each parameter inside it, in bytes.</summary>
    public const int BlobAlignment = 64;

    /// <summary>Reads and validates the model file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is truncated, corrupted or describes an invalid graph.</exception>
    public static ModelSpec Read(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        long length = RandomAccess.GetLength(handle);
        if (length > MaxFileBytes)
            throw new InvalidDataException($"{path}: file length: {length} bytes exceeds the limit of {MaxFileBytes}");
        // One float array holds the whole file, so parameters become slices of it without a second copy; the header
        // is parsed through a byte view of the same array.
        // Not zeroed first: the read writes every byte but the last float's padding, cleared here.
        var buffer = Kernels.HugePages.PinnedUninitializedArray((int)((length + 3) / 4));
        var all = MemoryMarshal.AsBytes(buffer.AsSpan());
        all[(int)length..].Clear();
        // (A file too short to hold a checksum is rejected by the header check before the checksum is compared.)
        // The chunks' finite flags describe the bytes as stored (little-endian); a big-endian host reverses them first.
        var finite = BitConverter.IsLittleEndian ? new FiniteChunks(length, ModelFileLoader.ChunkBytes) : null;
        uint checksum = ModelFileLoader.ReadAndChecksum(handle, path, buffer, (int)length, finite);
        return ModelFileReader.Parse(all[..(int)length], path, buffer, checksum, finite);
    }

    /// <summary>Reads and validates a model file held in memory; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InvalidDataException">The bytes are truncated, corrupted or describe an invalid graph.</exception>
    public static ModelSpec Read(ReadOnlySpan<byte> bytes, string source) => ModelFileReader.Parse(bytes, source, fileAsFloats: null);

    /// <summary>Validates <paramref name="model"/> and writes it to <paramref name="path"/> atomically (a temporary
    /// file in the same folder, then a rename), so readers never see a half-written file.</summary>
    /// <exception cref="InvalidDataException">The model is invalid (see <see cref="ShapeInference.Infer"/>).</exception>
    public static void Write(ModelSpec model, string path)
    {
        byte[] bytes = ToBytes(model);
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>Validates <paramref name="model"/> and returns its file image.</summary>
    /// <exception cref="InvalidDataException">The model is invalid (see <see cref="ShapeInference.Infer"/>).</exception>
    public static byte[] ToBytes(ModelSpec model) => ModelFileWriter.ToBytes(model);
}
