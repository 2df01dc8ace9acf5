using PrunedLrp.Kernels;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

public class NativeBufferTests
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
}
