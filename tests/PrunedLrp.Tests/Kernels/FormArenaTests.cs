using PrunedLrp.Kernels;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

/// <summary><see cref="FormArena"/>: every form gets its own aligned floats, however many forms share a block and
/// however many threads ask at once, and the small ones share blocks that carry the huge-page advice.</summary>
public unsafe class FormArenaTests
{
    // Sizes around the 16-float alignment step, and up to and past the size that gets an array of its own.
    static readonly int[] Lengths = [0, 1, 15, 16, 17, 100, 4095, 65_536, 300_001, (int)(HugePages.MinBytes / sizeof(float)) - 1, (int)(HugePages.MinBytes / sizeof(float))];

    [Fact]
    public void Rent_ManySizes_AlignedAndDisjoint()
    {
        var forms = new List<PinnedFloats>();
        for (int round = 0; round < 3; round++)
            foreach (int length in Lengths)
                forms.Add(Filled(length, forms.Count));
        foreach (var form in forms)
            Assert.Equal(0, (nint)form.Pointer & 63);
        // Each form still holds its own stamp: none was handed out twice or overlaps another.
        for (int i = 0; i < forms.Count; i++)
            AssertStamped(forms[i], i);
    }

    [Fact]
    public void Rent_FromSeveralThreads_Disjoint()
    {
        const int threads = 4, perThread = 200;
        var forms = new PinnedFloats[threads * perThread];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var rng = new Random(t);
            for (int i = 0; i < perThread; i++)
                forms[t * perThread + i] = Filled(1 + rng.Next(20_000), t * perThread + i);
        });
        for (int i = 0; i < forms.Length; i++)
            AssertStamped(forms[i], i);
    }

    [Fact]
    public void Rent_SmallForms_ShareAdvisedBlocks_LargeOnesStartOnAHugePage()
    {
        if (!HugePages.Enabled)
        {
            var alone = FormArena.Rent(100);
            Assert.Equal(100, alone.Length); // without the advice every form has an array of its own
            Assert.NotSame(alone.Block, FormArena.Rent(100).Block);
            return;
        }
        var first = FormArena.Rent(1000);
        var second = FormArena.Rent(1000);
        if (ReferenceEquals(first.Block, second.Block)) // else another test just filled the block
            Assert.Equal(first.Offset + 1008, second.Offset); // 1000 floats rounded up to 64 bytes
        Assert.True(first.Block!.Length >= FormArena.BlockFloats);
        var large = FormArena.Rent((int)(HugePages.MinBytes / sizeof(float)));
        Assert.Equal(0, (nint)large.Pointer & ((2 << 20) - 1));
        if (!File.Exists(HugePagesTests.ThpSetting) || !File.Exists("/proc/self/smaps"))
            return;
        string? flags = HugePagesTests.VmFlagsOf((long)first.Pointer & ~4095L);
        Assert.NotNull(flags);
        Assert.Contains("hg", flags!.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        GC.KeepAlive(first.Block);
        GC.KeepAlive(large.Block);
    }

    [Fact]
    public void Rent_NotShared_GetsAnArrayOfItsOwn()
    {
        var first = FormArena.Rent(1000, shared: false);
        var second = FormArena.Rent(1000, shared: false);
        Assert.NotSame(first.Block, second.Block);
        Assert.True(first.Block!.Length < FormArena.BlockFloats); // not a shared block
        Assert.Equal(0, (nint)first.Pointer & 63);
    }

    [Fact]
    public void Rent_NegativeLength_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FormArena.Rent(-1));

    static PinnedFloats Filled(int length, int stamp)
    {
        var form = FormArena.Rent(length);
        Assert.Equal(length, form.Length);
        form.Span.Fill(stamp);
        return form;
    }

    static void AssertStamped(PinnedFloats form, int stamp)
    {
        var span = form.Span;
        int wrong = span.IndexOfAnyExcept((float)stamp);
        Assert.True(wrong < 0, $"form {stamp} ({form.Length} floats) holds {(wrong < 0 ? 0 : span[wrong])} at {wrong}");
    }
}
