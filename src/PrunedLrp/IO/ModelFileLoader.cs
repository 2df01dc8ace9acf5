using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using PrunedLrp.Kernels;

namespace PrunedLrp.IO;

/// <summary>
/// Reads a model file into its buffer and checksums it on the way: large files in two halves on two threads, each
/// read chunk by chunk and each chunk checksummed (and scanned for NaN and infinities, <see cref="FiniteChunks"/>) while
/// it is still in cache; the halves' CRCs are then combined (<see cref="Crc32.Combine"/>). One thread where the kernels keep to one (<see cref="KernelWorker.Enabled"/>).
/// </summary>
/// <remarks>
/// Loading VGG-16's 528 MB file on one thread was a read (the copy from the page cache, and the kernel zeroing the
/// fresh buffer's pages) followed by a second pass over all of it for the CRC: 0.24-0.28 s, of which the copy took 46%
/// of the samples, the CRC 23% and the zeroing 11% (perf, `plrp inspect`). Each of those splits over two cores.
/// </remarks>
internal static class ModelFileLoader
{
    /// <summary>Bytes read (and then checksummed and scanned) at a time: small enough to stay in cache meanwhile.</summary>
    public const int ChunkBytes = 1 << 20;

    /// <summary>Files from this size are read in two halves (below it a second thread costs more than it saves).</summary>
    const int ParallelBytes = 8 << 20;

    /// <summary>
    /// Reads the first <paramref name="length"/> bytes of the file into <paramref name="buffer"/>'s bytes and returns
    /// the CRC-32 of all but the last <see cref="ModelFileLayout.ChecksumSize"/> of them (of none when shorter). With
    /// <paramref name="finite"/> (chunks of <see cref="ChunkBytes"/>), also marks the chunks whose floats are all finite.
    /// </summary>
    /// <exception cref="InvalidDataException">The file ended before <paramref name="length"/> bytes (it shrank while
    /// it was read).</exception>
    public static uint ReadAndChecksum(SafeFileHandle handle, string path, float[] buffer, int length, FiniteChunks? finite = null)
    {
        int covered = Math.Max(0, length - ModelFileLayout.ChecksumSize);
        // Two threads only where the kernels may use two (PRUNEDLRP_KERNEL_THREADS=1 keeps a host's one core per call).
        if (length < ParallelBytes || !KernelWorker.Enabled)
            return ReadPart(handle, path, buffer, 0, length, covered, finite);
        // The halves meet on a chunk boundary (so on a page boundary too: each thread faults in pages of its own).
        int middle = length / 2 & ~(ChunkBytes - 1);
        var crcs = new uint[2];
        try
        {
            Parallel.For(0, 2, part => crcs[part] = part == 0
                ? ReadPart(handle, path, buffer, 0, middle, covered, finite)
                : ReadPart(handle, path, buffer, middle, length, covered, finite));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw(); // the caller sees the first error as it is
        }
        return Crc32.Combine(crcs[0], crcs[1], Math.Max(0, covered - middle));
    }

    // Reads bytes [start, end) of the file to the same place in the buffer (start a chunk boundary); returns the CRC-32
    // of the part of them below `covered`, and scans each chunk's whole floats into `finite`.
    static uint ReadPart(SafeFileHandle handle, string path, float[] buffer, int start, int end, int covered, FiniteChunks? finite)
    {
        var bytes = MemoryMarshal.AsBytes(buffer.AsSpan());
        uint crc = 0;
        for (int at = start; at < end;)
        {
            int chunk = Math.Min(ChunkBytes, end - at);
            var target = bytes.Slice(at, chunk);
            while (!target.IsEmpty)
            {
                int read = RandomAccess.Read(handle, target, at + chunk - target.Length);
                if (read == 0)
                    throw new InvalidDataException($"{path}: file length: the file ended at byte {at + chunk - target.Length} of {end} while it was read (changed on disk?)");
                target = target[read..];
            }
            int checksummed = Math.Min(at + chunk, covered) - at;
            if (checksummed > 0)
                crc = Crc32.Append(crc, bytes.Slice(at, checksummed));
            finite?.Scan(at, buffer.AsSpan(at / 4, chunk / 4));
            at += chunk;
        }
        return crc;
    }
}
