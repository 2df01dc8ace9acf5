namespace PrunedLrp.Kernels;

// The col2im fold and the direct (depthwise) passes of ConvOperator, split over the two kernel threads by channel.
public sealed unsafe partial class ConvOperator
{
    // Fold splits by channel over the two kernel threads when the column matrix is large enough.
    struct ColumnJob
    {
        public ConvShape Shape;
        public float* Image, Column;
        public int ImageLength, ColumnLength, Channels, Parts, First, End; // First, End: the block of output positions
    }

    const int ParallelColumnFloats = 1 << 16;
    const int Chunks = 8; // channel ranges the two kernel threads claim dynamically

    static void Fold(in ConvShape s, ReadOnlySpan<float> col, Span<float> image, int channels, int j0, int j1)
    {
        fixed (float* pi = image)
        fixed (float* pc = col)
        {
            var job = new ColumnJob
            {
                Shape = s, Image = pi, Column = pc, ImageLength = image.Length, ColumnLength = col.Length, Channels = channels,
                First = j0, End = j1,
            };
            job.Parts = Math.Min(channels, Chunks);
            if (col.Length < ParallelColumnFloats || !KernelWorker.TryRun(&FoldChunk, &job, job.Parts))
                Im2Col.Fold(s, col, image, 0, channels, j0, j1);
        }
    }

    static void FoldChunk(void* context, int chunk)
    {
        ref var j = ref *(ColumnJob*)context;
        int part = chunk, parts = j.Parts;
        Im2Col.Fold(j.Shape, new ReadOnlySpan<float>(j.Column, j.ColumnLength), new Span<float>(j.Image, j.ImageLength),
            j.Channels * part / parts, j.Channels * (part + 1) / parts, j.First, j.End);
    }

    // Direct depthwise passes split by channel over the two kernel threads.
    struct DirectJob
    {
        public ConvShape Shape;
        public float* Weight, Source, Bias, Destination;
        public int WeightLength, SourceLength, BiasLength, DestinationLength, Channels, Parts;
    }

    void RunDirect(delegate*<void*, int, void> chunk, in ConvShape s, ReadOnlySpan<float> source, ReadOnlySpan<float> bias, Span<float> destination, int channels)
    {
        fixed (float* pw = _direct)
        fixed (float* ps = source)
        fixed (float* pb = bias)
        fixed (float* pd = destination)
        {
            var job = new DirectJob
            {
                Shape = s, Weight = pw, Source = ps, Bias = pb, Destination = pd, WeightLength = _direct!.Length,
                SourceLength = source.Length, BiasLength = bias.Length, DestinationLength = destination.Length, Channels = channels,
            };
            long work = (long)s.OutSize * s.KernelHeight * s.KernelWidth;
            job.Parts = Math.Min(channels, Chunks);
            if (work < ParallelColumnFloats || !KernelWorker.TryRun(chunk, &job, job.Parts))
            {
                job.Parts = 1; // one chunk covering all channels
                chunk(&job, 0);
            }
        }
    }

    static void DirectForwardChunk(void* context, int chunk)
    {
        ref var j = ref *(DirectJob*)context;
        int parts = j.Parts, part = chunk;
        DepthwiseConv.Forward(j.Shape, new ReadOnlySpan<float>(j.Weight, j.WeightLength), new ReadOnlySpan<float>(j.Source, j.SourceLength),
            new ReadOnlySpan<float>(j.Bias, j.BiasLength), new Span<float>(j.Destination, j.DestinationLength),
            j.Channels * part / parts, j.Channels * (part + 1) / parts);
    }

    static void DirectBackwardChunk(void* context, int chunk)
    {
        ref var j = ref *(DirectJob*)context;
        int parts = j.Parts, part = chunk;
        DepthwiseConv.Backward(j.Shape, new ReadOnlySpan<float>(j.Weight, j.WeightLength), new ReadOnlySpan<float>(j.Source, j.SourceLength),
            new Span<float>(j.Destination, j.DestinationLength), j.Channels * part / parts, j.Channels * (part + 1) / parts);
    }
}
