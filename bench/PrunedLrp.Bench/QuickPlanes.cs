using PrunedLrp.Kernels;

namespace PrunedLrp.Bench;

/// <summary>`quick-planes [repeats]`: for the strided <see cref="ConvCase"/>s, the time to build the <see cref="ShiftedPlanes"/> (both threads) and, on one thread, to pack the whole column matrix from them and straight from the input (<see cref="ImplicitColumns"/>).</summary>
internal static unsafe class QuickPlanes
{
    public static void Run(int repeats)
    {
        foreach (var c in ConvCase.All)
        {
            var s = c.Shape;
            if (!ShiftedPlanes.Applies(s)) continue;
            var rng = new Random(1);
            var x = GemmBenchmarks.Random(rng, s.InSize);
            var planes = new float[ShiftedPlanes.LengthFor(s, s.InChannels)];
            double t;
            fixed (float* px = x)
            fixed (float* pp = planes)
            {
                float* a = px, b = pp;
                t = QuickConv.Best(1e6, repeats, () => ShiftedPlanes.Build(s, a, s.InChannels, b));
            }
            int k = s.InChannels * s.KernelHeight * s.KernelWidth, n = s.OutHeight * s.OutWidth;
            int step = GemmBlocking.DepthStep(k), width = Math.Min(GemmBlocking.NC, n);
            var packed = new float[step * (width + 16)];
            double tp, ti;
            fixed (float* px = x)
            fixed (float* pp = planes)
            fixed (float* pd = packed)
            {
                var q = ShiftedPlanes.Build(s, px, s.InChannels, pp);
                var ic = ImplicitColumns.Of(s, px);
                float* d = pd;
                ShiftedPlanes* pq = &q;
                ImplicitColumns* pic = &ic;
                tp = QuickConv.Best(1e6, repeats, () => { for (int jc = 0; jc < n; jc += width) for (int pc = 0; pc < k; pc += step) ShiftedPlanes.Pack(pq, pc, Math.Min(step, k - pc), jc, Math.Min(width, n - jc), d); });
                ti = QuickConv.Best(1e6, repeats, () => { for (int jc = 0; jc < n; jc += width) for (int pc = 0; pc < k; pc += step) ImplicitColumns.Pack(pic, pc, Math.Min(step, k - pc), jc, Math.Min(width, n - jc), d); });
            }
            Console.WriteLine($"{c.Name}: planes {planes.Length * 4 / 1e6:F2} MB build {t * 1e3:F3} ms, pack all {tp * 1e3:F3} ms, implicit pack all {ti * 1e3:F3} ms");
        }
    }
}
