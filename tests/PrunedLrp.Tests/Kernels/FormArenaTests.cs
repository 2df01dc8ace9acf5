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
        Assert.True(first.Block!.Length >= FormArena.MinBlockFloats);
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
    public void BlockSize_DoublesFromOneHugePageToTheLargest_AndFitsALargerForm()
    {
        const int mb = (1 << 20) / sizeof(float);
        int next = FormArena.MinBlockFloats;
        var sizes = new List<int>();
        for (int i = 0; i < 7; i++)
        {
            (int floats, next) = FormArena.BlockSize(next, 1000);
            sizes.Add(floats / mb);
        }
        Assert.Equal([2, 4, 8, 16, 32, 32, 32], sizes);
        // A form of 3 MB when the next block is to have 2 MB: a block of 4 MB (two huge pages), and 4 MB after it.
        Assert.Equal((4 * mb, 4 * mb), FormArena.BlockSize(2 * mb, 3 * mb));
        Assert.Equal((8 * mb, 16 * mb), FormArena.BlockSize(8 * mb, 3 * mb));
    }

    [Fact]
    public void Rent_SharedBlocks_StartAtOneHugePageAndDoubleToTheLargest()
    {
        // 100 forms of 800 KB need 80 MB: more than the 2 + 4 + 8 + 16 + 32 MB of a growing run of blocks, so the last
        // blocks have the largest size whatever blocks other tests already took.
        var forms = new List<PinnedFloats>();
        for (int i = 0; i < 100; i++)
            forms.Add(FormArena.Rent(200_000));
        var blocks = forms.Select(f => f.Block!).Distinct().ToList();
        if (!HugePages.Enabled)
        {
            Assert.Equal(forms.Count, blocks.Count); // without the advice every form has an array of its own
            return;
        }
        const int slack = (2 << 20) / sizeof(float); // room to start on a 2 MB boundary
        for (int i = 0; i < blocks.Count; i++)
        {
            Assert.InRange(blocks[i].Length, FormArena.MinBlockFloats + slack, FormArena.BlockFloats + slack);
            if (i > 0)
                Assert.True(blocks[i].Length >= blocks[i - 1].Length, $"block {i} ({blocks[i].Length} floats) is smaller than the one before");
        }
        Assert.Equal(FormArena.BlockFloats + slack, blocks[^1].Length);
        GC.KeepAlive(forms);
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
