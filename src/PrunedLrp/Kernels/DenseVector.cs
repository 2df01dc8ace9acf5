using System.Numerics.Tensors;

namespace PrunedLrp.Kernels;

/// <summary>
/// Dense products for a few samples straight from the row-major weight W [out, in], with no packed copy: the forward
/// pass takes one dot product per row, <c>y[n, j] = W_j . x_n + b_j</c>, and the transposed one sums rows,
/// <c>dx_n = sum_j dy[n, j] W_j</c>, skipping those whose dy is 0. Both read W at most once, in order, which is all a
/// matrix-vector product can do (it is bound by memory bandwidth), and they save the two packed copies a GEMM would need
/// (VGG-16's classifier: 960 MB).
/// Rows (forward) or column ranges (transposed) are split over the two kernel threads.
/// </summary>
internal static unsafe class DenseVector
{
    /// <summary>Up to this many samples the vector path wins over packing W for a GEMM.</summary>
    public const int MaxBatch = 4;

    const int Chunks = 8;
    const long ParallelWork = 1 << 16;

    struct Job
    {
        public float* W, Source, Bias, Destination;
        public int In, Out, Batch, Parts;
    }

    /// <summary><c>y[n, j] = sum_i x[n, i] W[j, i] (+ bias[j])</c>, y overwritten; <paramref name="bias"/> may be empty.</summary>
    public static void Forward(ReadOnlySpan<float> w, int outFeatures, int inFeatures, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int batch)
    {
        fixed (float* pw = w, px = x, pb = bias, py = y)
        {
            var job = new Job { W = pw, Source = px, Bias = bias.IsEmpty ? null : pb, Destination = py, In = inFeatures, Out = outFeatures, Batch = batch };
            Run(&ForwardChunk, ref job, outFeatures);
        }
    }

    /// <summary><c>dx[n, i] = sum_j dy[n, j] W[j, i]</c>, dx overwritten.</summary>
    public static void Backward(ReadOnlySpan<float> w, int outFeatures, int inFeatures, ReadOnlySpan<float> dy, Span<float> dx, int batch)
    {
        fixed (float* pw = w, pdy = dy, pdx = dx)
        {
            var job = new Job { W = pw, Source = pdy, Destination = pdx, In = inFeatures, Out = outFeatures, Batch = batch };
            Run(&BackwardChunk, ref job, inFeatures);
        }
    }

    static void Run(delegate*<void*, int, void> chunk, ref Job job, int splitLength)
    {
        long work = (long)job.In * job.Out * job.Batch;
        job.Parts = work < ParallelWork ? 1 : Math.Min(Chunks, Math.Max(1, splitLength));
        fixed (Job* p = &job)
        {
            if (job.Parts > 1 && KernelWorker.TryRun(chunk, p, job.Parts)) return;
            for (int i = 0; i < job.Parts; i++) chunk(p, i);
        }
    }

    static void ForwardChunk(void* context, int chunk)
    {
        ref var j = ref *(Job*)context;
        int j0 = (int)((long)j.Out * chunk / j.Parts), j1 = (int)((long)j.Out * (chunk + 1) / j.Parts);
        for (int row = j0; row < j1; row++)
        {
            var weights = new ReadOnlySpan<float>(j.W + (long)row * j.In, j.In);
            float bias = j.Bias == null ? 0f : j.Bias[row];
            for (int n = 0; n < j.Batch; n++)
                j.Destination[(long)n * j.Out + row] = TensorPrimitives.Dot(weights, new ReadOnlySpan<float>(j.Source + (long)n * j.In, j.In)) + bias;
        }
    }

    static void BackwardChunk(void* context, int chunk)
    {
        ref var j = ref *(Job*)context;
        int i0 = (int)((long)j.In * chunk / j.Parts), i1 = (int)((long)j.In * (chunk + 1) / j.Parts), width = i1 - i0;
        for (int n = 0; n < j.Batch; n++)
            new Span<float>(j.Destination + (long)n * j.In + i0, width).Clear();
        for (int row = 0; row < j.Out; row++)
        {
            var weights = new ReadOnlySpan<float>(j.W + (long)row * j.In + i0, width);
            for (int n = 0; n < j.Batch; n++)
            {
                // In the relevance pass dy = R / stab(z) is exactly 0 wherever the layer's output fed a ReLU that cut it
                // (about half of VGG-16's first classifier rows): such rows add nothing and need not be read.
                float d = j.Source[(long)n * j.Out + row];
                if (d == 0f)
                    continue;
                var dx = new Span<float>(j.Destination + (long)n * j.In + i0, width);
                TensorPrimitives.MultiplyAdd(weights, d, dx, dx);
            }
        }
    }
}
