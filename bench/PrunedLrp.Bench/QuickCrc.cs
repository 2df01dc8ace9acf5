using System.Diagnostics;
using PrunedLrp.IO;

namespace PrunedLrp.Bench;

/// <summary>
/// `quick-crc [repeats]`: CRC-32 throughput on one core, System.IO.Hashing against the folded register
/// (<see cref="Crc32Folding"/>), interleaved in one process: a 1 MB buffer (the model loader's chunk, in cache) and a
/// 256 MB one (from memory). Best of the repeats, GB/s.
/// </summary>
internal static class QuickCrc
{
    public static void Run(int repeats)
    {
        Console.WriteLine($"CRC-32, one core, best of {repeats}; folding supported: {Crc32Folding.IsSupported}");
        Console.WriteLine("| buffer | System.IO.Hashing GB/s | folded GB/s | folded / System.IO.Hashing |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (int size in new[] { 1 << 20, 256 << 20 })
        {
            var data = new byte[size];
            new Random(1).NextBytes(data);
            double library = 0, folded = 0;
            for (int r = 0; r < repeats; r++)
            {
                library = Math.Max(library, Rate(data, static d => System.IO.Hashing.Crc32.HashToUInt32(d)));
                folded = Math.Max(folded, Rate(data, static d => ~Crc32Folding.Append(~0u, d)));
            }
            Console.WriteLine($"| {size >> 20} MB | {library:F1} | {folded:F1} | {folded / library:F2} |");
        }
    }

    // GB/s of checksumming at least 512 MB in passes over data.
    static double Rate(byte[] data, Func<byte[], uint> crc)
    {
        long bytes = 0;
        uint sink = 0;
        var clock = Stopwatch.StartNew();
        while (bytes < 512L << 20)
        {
            sink ^= crc(data);
            bytes += data.Length;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        GC.KeepAlive(sink);
        return bytes / seconds / 1e9;
    }
}
