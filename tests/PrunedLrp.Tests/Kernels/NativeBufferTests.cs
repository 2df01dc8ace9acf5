using PrunedLrp.Kernels;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

public unsafe class NativeBufferTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(257)]
    public void Buffer_HoldsWhatIsWritten(int length)
    {
        using var buffer = new NativeBuffer(length);
        Assert.Equal(length, buffer.Span.Length);
        for (int i = 0; i < length; i++) buffer.Span[i] = i;
        for (int i = 0; i < length; i++) Assert.Equal(i, buffer.Span[i]);
    }

    [Fact]
    public void DefaultBuffer_DisposesAsNothing()
    {
        var buffer = default(NativeBuffer);
        Assert.Equal(0, buffer.Span.Length);
        buffer.Dispose();
    }

    [Fact]
    public void NegativeLength_Throws() => Assert.Throws<ArgumentOutOfRangeException>(() => new NativeBuffer(-1));

    // The pool is shared by the whole process (other tests prepare layers at the same time), so these tests only claim
    // what holds whatever else runs: buffers held at once never overlap, and a buffer is never handed out twice.
    [Fact]
    public void BuffersHeldAtOnce_NeverOverlap_AcrossThreads()
    {
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            var rng = new Random(t);
            for (int round = 0; round < 50; round++)
            {
                int count = 1 + rng.Next(NativeBuffer.PooledBuffers + 1);
                var held = new NativeBuffer[count];
                for (int i = 0; i < count; i++)
                {
                    // Sizes around the pool's limit too: larger buffers are freed, not pooled.
                    long floats = rng.Next(3) == 0 ? NativeBuffer.PoolBytes / sizeof(float) + rng.Next(2) : 1 + rng.Next(300_000);
                    held[i] = new NativeBuffer(floats);
                    held[i].Span.Fill(t * 1000 + round * 10 + i);
                }
                for (int i = 0; i < count; i++)
                {
                    float stamp = t * 1000 + round * 10 + i;
                    Assert.True(held[i].Span.IndexOfAnyExcept(stamp) < 0, $"buffer {i} of thread {t} was overwritten");
                    held[i].Dispose();
                }
            }
        });
    }

    [Fact]
    public void DisposedBuffer_IsReused_ForAnEqualOrSmallerRequest()
    {
        // Another test's buffers may take the slot in between: then this one is simply freshly allocated. Over a few
        // tries, one of them must see its own buffer come back.
        bool reused = false;
        for (int attempt = 0; attempt < 20 && !reused; attempt++)
        {
            nint first;
            using (var buffer = new NativeBuffer(100_000 + attempt))
                first = (nint)buffer.Pointer;
            using var again = new NativeBuffer(90_000);
            reused = (nint)again.Pointer == first;
        }
        Assert.True(reused);
    }
}
