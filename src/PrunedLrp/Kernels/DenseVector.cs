using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace PrunedLrp.Kernels;

/// <summary>
/// Dense products for a few samples straight from the row-major weight W [out, in], with no packed copy: the forward
/// pass takes dot products of rows, <c>y[n, j] = W_j . x_n + b_j</c> (four rows at once at batch 1, sharing the loads
/// of x), and the transposed one sums rows, <c>dx_n = sum_j dy[n, j] W_j</c> (eight at once at batch 1), skipping those
/// whose dy is 0. Both read W at most once, in order, which is all a
/// matrix-vector product can do (it is bound by memory bandwidth), and they save the two packed copies a GEMM would need
/// (VGG-16's classifier: 960 MB).
/// Rows (forward) or column ranges (transposed) are split over the two kernel threads.
/// </summary>
internal static unsafe class DenseVector
{
    /// <summary>Up to this many samples the vector path wins over packing W for a GEMM.</summary>
    public const int MaxBatch = 4;

    const int Chunks = 8;

    // The batch-1 transposed product's column ranges: one per thread. Each pass then streams rows of W in segments of half
    // a row rather than an eighth (VGG-16's first classifier: 6.4-6.8 ms against 9.1-9.5 with 8 ranges, quick-dense).
    const int TransposedChunks = 2;

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
            Run(&ForwardChunk, ref job, outFeatures, Chunks);
        }
    }

    /// <summary><c>dx[n, i] = sum_j dy[n, j] W[j, i]</c>, dx overwritten.</summary>
    public static void Backward(ReadOnlySpan<float> w, int outFeatures, int inFeatures, ReadOnlySpan<float> dy, Span<float> dx, int batch)
    {
        fixed (float* pw = w, pdy = dy, pdx = dx)
        {
            var job = new Job { W = pw, Source = pdy, Destination = pdx, In = inFeatures, Out = outFeatures, Batch = batch };
            Run(&BackwardChunk, ref job, inFeatures, batch == 1 ? TransposedChunks : Chunks);
        }
    }

    static void Run(delegate*<void*, int, void> chunk, ref Job job, int splitLength, int chunks)
    {
        long work = (long)job.In * job.Out * job.Batch;
        job.Parts = work < ParallelWork ? 1 : Math.Min(chunks, Math.Max(1, splitLength));
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
        int row = j0;
        if (j.Batch == 1 && Vector256.IsHardwareAccelerated)
        {
            for (; row + 4 <= j1; row += 4)
                DotFour(j.W + (long)row * j.In, j.In, j.Source, j.Bias == null ? null : j.Bias + row, j.Destination + row);
        }
        for (; row < j1; row++)
        {
            var weights = new ReadOnlySpan<float>(j.W + (long)row * j.In, j.In);
            float bias = j.Bias == null ? 0f : j.Bias[row];
            for (int n = 0; n < j.Batch; n++)
                j.Destination[(long)n * j.Out + row] = TensorPrimitives.Dot(weights, new ReadOnlySpan<float>(j.Source + (long)n * j.In, j.In)) + bias;
        }
    }

    // y[0..4) = W[0..4) . x (+ bias): four rows share each load of x, two partial sums per row. Against one
    // TensorPrimitives.Dot per row, VGG-16's first classifier took 7.9-8.4 ms instead of 11.5-12.1 (quick-dense): the
    // row-at-a-time loop read x as often as W and did not keep the memory system busy.
    static void DotFour(float* w, int length, float* x, float* bias, float* y)
    {
        float* w1 = w + length, w2 = w1 + length, w3 = w2 + length;
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        int i = 0;
        for (; i <= length - 16; i += 16)
        {
            var x0 = Vector256.Load(x + i);
            var x1 = Vector256.Load(x + i + 8);
            a0 = Vector256.FusedMultiplyAdd(Vector256.Load(w + i), x0, a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.Load(w1 + i), x0, a1);
            a2 = Vector256.FusedMultiplyAdd(Vector256.Load(w2 + i), x0, a2);
            a3 = Vector256.FusedMultiplyAdd(Vector256.Load(w3 + i), x0, a3);
            b0 = Vector256.FusedMultiplyAdd(Vector256.Load(w + i + 8), x1, b0);
            b1 = Vector256.FusedMultiplyAdd(Vector256.Load(w1 + i + 8), x1, b1);
            b2 = Vector256.FusedMultiplyAdd(Vector256.Load(w2 + i + 8), x1, b2);
            b3 = Vector256.FusedMultiplyAdd(Vector256.Load(w3 + i + 8), x1, b3);
        }
        float s0 = Vector256.Sum(a0 + b0), s1 = Vector256.Sum(a1 + b1), s2 = Vector256.Sum(a2 + b2), s3 = Vector256.Sum(a3 + b3);
        for (; i < length; i++)
        {
            s0 += w[i] * x[i];
            s1 += w1[i] * x[i];
            s2 += w2[i] * x[i];
            s3 += w3[i] * x[i];
        }
        y[0] = s0 + (bias == null ? 0f : bias[0]);
        y[1] = s1 + (bias == null ? 0f : bias[1]);
        y[2] = s2 + (bias == null ? 0f : bias[2]);
        y[3] = s3 + (bias == null ? 0f : bias[3]);
    }

    static void BackwardChunk(void* context, int chunk)
    {
        ref var j = ref *(Job*)context;
        int i0 = (int)((long)j.In * chunk / j.Parts), i1 = (int)((long)j.In * (chunk + 1) / j.Parts), width = i1 - i0;
        for (int n = 0; n < j.Batch; n++)
            new Span<float>(j.Destination + (long)n * j.In + i0, width).Clear();
        if (j.Batch == 1)
        {
            AddNonZeroRows(ref j, i0, width);
            return;
        }
        // Several samples: each row is read once for all of them (it is still in cache for the second).
        for (int row = 0; row < j.Out; row++)
        {
            var weights = new ReadOnlySpan<float>(j.W + (long)row * j.In + i0, width);
            for (int n = 0; n < j.Batch; n++)
            {
                float d = j.Source[(long)n * j.Out + row];
                if (d == 0f)
                    continue; // see AddNonZeroRows
                var dx = new Span<float>(j.Destination + (long)n * j.In + i0, width);
                TensorPrimitives.MultiplyAdd(weights, d, dx, dx);
            }
        }
    }

    // One sample: dx[i0, i0 + width) += dy[row] W[row, i0..] over the rows whose dy is not 0, RowBlock rows per pass.
    static void AddNonZeroRows(ref Job j, int i0, int width)
    {
        float* dx = j.Destination + i0;
        float** rows = stackalloc float*[RowBlock];
        float* scales = stackalloc float[RowBlock];
        int gathered = 0;
        for (int row = 0; row < j.Out; row++)
        {
            // In the relevance pass dy = R / stab(z) is exactly 0 wherever the layer's output fed a ReLU that cut it
            // (about half of VGG-16's first classifier rows): such rows add nothing and need not be read.
            float d = j.Source[row];
            if (d == 0f)
                continue;
            rows[gathered] = j.W + (long)row * j.In + i0;
            scales[gathered++] = d;
            if (gathered == RowBlock)
            {
                AddRows(dx, width, rows, scales);
                gathered = 0;
            }
        }
        var target = new Span<float>(dx, width);
        for (int k = 0; k < gathered; k++)
            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(rows[k], width), scales[k], target, target);
    }

    // Rows added per pass over dx: eight weight streams at once keep more loads in flight than one (VGG-16's first
    // classifier, batch 1: 18.0-18.4 ms with one row per pass, 12.9-13.3 with four, 12.1-12.2 with eight), and dx is
    // read and written once per eight rows.
    const int RowBlock = 8;

    // dx += d0 W0 + d1 W1 + ... + d7 W7, each product rounded and added in that order, as eight single-row passes would
    // (no fused multiply-add), so the result does not depend on the blocking.
    static void AddRows(float* dx, int width, float** rows, float* scales)
    {
        float* w0 = rows[0], w1 = rows[1], w2 = rows[2], w3 = rows[3], w4 = rows[4], w5 = rows[5],
            w6 = rows[6], w7 = rows[7];
        float d0 = scales[0], d1 = scales[1], d2 = scales[2], d3 = scales[3], d4 = scales[4], d5 = scales[5], d6 = scales[6], d7 = scales[7];
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var c0 = Vector256.Create(d0);
            var c1 = Vector256.Create(d1);
            var c2 = Vector256.Create(d2);
            var c3 = Vector256.Create(d3);
            var c4 = Vector256.Create(d4);
            var c5 = Vector256.Create(d5);
            var c6 = Vector256.Create(d6);
            var c7 = Vector256.Create(d7);
            for (; i <= width - 8; i += 8)
            {
                var acc = Vector256.Load(dx + i);
                acc += Vector256.Load(w0 + i) * c0;
                acc += Vector256.Load(w1 + i) * c1;
                acc += Vector256.Load(w2 + i) * c2;
                acc += Vector256.Load(w3 + i) * c3;
                acc += Vector256.Load(w4 + i) * c4;
                acc += Vector256.Load(w5 + i) * c5;
                acc += Vector256.Load(w6 + i) * c6;
                acc += Vector256.Load(w7 + i) * c7;
                acc.Store(dx + i);
            }
        }
        for (; i < width; i++)
            dx[i] = dx[i] + w0[i] * d0 + w1[i] * d1 + w2[i] * d2 + w3[i] * d3 + w4[i] * d4 + w5[i] * d5 + w6[i] * d6 + w7[i] * d7;
    }
}
