using PrunedLrp.Kernels;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

/// <summary><see cref="HugePages"/>: the arrays it hands out are what their names say, and on Linux with transparent
/// huge pages the advice reaches the kernel (the range's mapping carries the <c>hg</c> flag in /proc/self/smaps).</summary>
public unsafe class HugePagesTests
{
    internal const string ThpSetting = "/sys/kernel/mm/transparent_hugepage/enabled";

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData((int)(HugePages.MinBytes / sizeof(float)) - 1)]
    [InlineData((int)(HugePages.MinBytes / sizeof(float)) + 3)]
    [InlineData(3 << 20)] // 12 MB
    public void ZeroedArray_IsZeroedAndAsLong_AtAnySize(int length)
    {
        for (int round = 0; round < 3; round++) // later rounds may get memory an earlier, dirtied array used
        {
            var array = HugePages.ZeroedArray(length);
            Assert.Equal(length, array.Length);
            Assert.Equal(-1, Array.FindIndex(array, v => BitConverter.SingleToInt32Bits(v) != 0));
            Array.Fill(array, float.NaN);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3 << 20)]
    public void PinnedUninitializedArray_HasTheLengthAndAStableAddress(int length)
    {
        var array = HugePages.PinnedUninitializedArray(length);
        Assert.Equal(length, array.Length);
        nint before;
        fixed (float* p = array) before = (nint)p;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        fixed (float* p = array) Assert.Equal(before, (nint)p); // pinned: the advised range stays the array's
    }

    [Fact]
    public void Advise_SmallOrNullRanges_AreLeftAlone()
    {
        var small = new float[16];
        fixed (float* p = small)
            Assert.False(HugePages.Advise(p, small.Length * sizeof(float)));
        Assert.False(HugePages.Advise(null, HugePages.MinBytes * 2));
    }

    [Fact]
    public void Advise_OnLinuxWithTransparentHugePages_MarksTheMapping()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(ThpSetting) || !HugePages.Enabled)
        {
            Assert.False(HugePages.Advise(null, HugePages.MinBytes)); // nothing to advise here: the call is a no-op
            return;
        }
        var array = HugePages.PinnedUninitializedArray(4 << 20); // 16 MB
        nint start;
        fixed (float* p = array) start = (nint)p;
        Assert.True(HugePages.Advise((void*)start, (long)array.Length * sizeof(float)));
        if (!File.Exists("/proc/self/smaps"))
            return; // a sandbox without /proc: the kernel's acceptance above is all there is to check
        // The 4 KB page 1 MB into the array lies inside the advised range, whatever the array's alignment.
        long probe = (start + (1 << 20)) & ~4095L;
        string? flags = VmFlagsOf(probe);
        Assert.NotNull(flags);
        Assert.Contains("hg", flags!.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        GC.KeepAlive(array);
    }

    // The VmFlags line of the mapping in /proc/self/smaps that holds `address`.
    internal static string? VmFlagsOf(long address)
    {
        bool inside = false;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            int dash = line.IndexOf('-');
            int space = line.IndexOf(' ');
            if (dash > 0 && space > dash && IsHex(line.AsSpan(0, dash)))
            {
                long from = long.Parse(line.AsSpan(0, dash), System.Globalization.NumberStyles.HexNumber), to = long.Parse(line.AsSpan(dash + 1, space - dash - 1), System.Globalization.NumberStyles.HexNumber);
                inside = address >= from && address < to;
            }
            else if (inside && line.StartsWith("VmFlags:", StringComparison.Ordinal))
            {
                return line["VmFlags:".Length..];
            }
        }
        return null;
    }

    static bool IsHex(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
            if (!char.IsAsciiHexDigit(c)) return false;
        return s.Length > 0;
    }
}
