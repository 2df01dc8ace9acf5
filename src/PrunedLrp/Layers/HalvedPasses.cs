using System.Numerics.Tensors;
using PrunedLrp.Pruning;

namespace PrunedLrp.Layers;

/// <summary>
/// The relevance steps' large element-wise passes as two halves, one on each kernel thread (both on the caller when
/// the worker is busy): between two layers' products the second core would otherwise idle while one thread streams
/// the layer's tensors. Each element's arithmetic is the same wherever the halves split (the vector and scalar paths of
/// these passes round alike), so the results are bit for bit those of one pass.
/// </summary>
internal static unsafe class HalvedPasses
{
    /// <summary><see cref="Stabilizer.Divide"/>: <c>s = r / stab(z)</c> (s may alias r or z).</summary>
    public static void Divide(ReadOnlySpan<float> r, ReadOnlySpan<float> z, float eps, Span<float> s)
    {
        int n = s.Length;
        if (n < PassHalves.From || r.Length < n || z.Length < n)
        {
            Stabilizer.Divide(r, z, eps, s); // small, or a length the one pass reports
            return;
        }
        fixed (float* pr = r, pz = z, ps = s)
            PassHalves.Halves<DividePass, bool>(n, new DividePass { R = pr, Z = pz, S = ps, Eps = eps });
    }

    /// <summary><see cref="Stabilizer.DivideSum"/>: <c>s = r / stab(a + b)</c> (s may alias r, a or b).</summary>
    public static void DivideSum(ReadOnlySpan<float> r, ReadOnlySpan<float> a, ReadOnlySpan<float> b, float eps, Span<float> s)
    {
        int n = s.Length;
        if (n < PassHalves.From || r.Length < n || a.Length < n || b.Length < n)
        {
            Stabilizer.DivideSum(r, a, b, eps, s);
            return;
        }
        fixed (float* pr = r, pa = a, pb = b, ps = s)
            PassHalves.Halves<DivideSumPass, bool>(n, new DivideSumPass { R = pr, A = pa, B = pb, S = ps, Eps = eps });
    }

    /// <summary><see cref="TensorPrimitives.Multiply(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>:
    /// <c>y = a * b</c> elementwise over a's length (y may alias a or b).</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        int n = a.Length;
        if (n < PassHalves.From || b.Length != n || y.Length < n)
        {
            TensorPrimitives.Multiply(a, b, y); // small, or lengths it reports
            return;
        }
        fixed (float* pa = a, pb = b, py = y)
            PassHalves.Halves<MultiplyPass, bool>(n, new MultiplyPass { A = pa, B = pb, Y = py });
    }

    /// <summary><see cref="Stabilizer.Share"/>: the Norm rule of <c>z = a + b</c> (rB empty: only rA).</summary>
    public static void Share(ReadOnlySpan<float> r, float eps, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> rA, Span<float> rB)
    {
        int n = rA.Length;
        if (n < PassHalves.From || r.Length < n || a.Length < n || b.Length < n || (!rB.IsEmpty && rB.Length < n))
        {
            Stabilizer.Share(r, eps, a, b, rA, rB);
            return;
        }
        fixed (float* pr = r, pa = a, pb = b, pra = rA, prb = rB)
            PassHalves.Halves<SharePass, bool>(n, new SharePass { R = pr, A = pa, B = pb, RA = pra, RB = prb, Eps = eps });
    }

    /// <summary><see cref="Stabilizer.GammaSplit"/>: Gamma's two quotients after a ReLU (sp and sn may alias q, r or z).</summary>
    public static void GammaSplit(ReadOnlySpan<float> r, ReadOnlySpan<float> z, ReadOnlySpan<float> q, float gamma, float eps,
        Span<float> sp, Span<float> sn)
    {
        int n = sp.Length;
        if (n < PassHalves.From || r.Length < n || z.Length < n || q.Length < n || sn.Length < n)
        {
            Stabilizer.GammaSplit(r, z, q, gamma, eps, sp, sn);
            return;
        }
        fixed (float* pr = r, pz = z, pq = q, psp = sp, psn = sn)
            PassHalves.Halves<GammaSplitPass, bool>(n, new GammaSplitPass { R = pr, Z = pz, Q = pq, Sp = psp, Sn = psn, Gamma = gamma, Eps = eps });
    }

    /// <summary><see cref="TensorPrimitives.AddMultiply(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>:
    /// <c>y = (a + b) * m</c> elementwise over a's length (y may alias a, b or m).</summary>
    public static void AddMultiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> m, Span<float> y)
    {
        int n = a.Length;
        if (n < PassHalves.From || b.Length != n || m.Length != n || y.Length < n)
        {
            TensorPrimitives.AddMultiply(a, b, m, y); // small, or lengths it reports
            return;
        }
        fixed (float* pa = a, pb = b, pm = m, py = y)
            PassHalves.Halves<AddMultiplyPass, bool>(n, new AddMultiplyPass { A = pa, B = pb, M = pm, Y = py });
    }

    static ReadOnlySpan<float> In(float* p, int start, int end) => new(p + start, end - start);

    static Span<float> Out(float* p, int start, int end) => p == null ? default : new(p + start, end - start);

    struct DividePass : IRangePass<bool>
    {
        public float* R, Z, S;
        public float Eps;

        public readonly bool Run(int start, int end)
        {
            Stabilizer.Divide(In(R, start, end), In(Z, start, end), Eps, Out(S, start, end));
            return true;
        }
    }

    struct DivideSumPass : IRangePass<bool>
    {
        public float* R, A, B, S;
        public float Eps;

        public readonly bool Run(int start, int end)
        {
            Stabilizer.DivideSum(In(R, start, end), In(A, start, end), In(B, start, end), Eps, Out(S, start, end));
            return true;
        }
    }

    struct MultiplyPass : IRangePass<bool>
    {
        public float* A, B, Y;

        public readonly bool Run(int start, int end)
        {
            TensorPrimitives.Multiply(In(A, start, end), In(B, start, end), Out(Y, start, end));
            return true;
        }
    }

    struct GammaSplitPass : IRangePass<bool>
    {
        public float* R, Z, Q, Sp, Sn;
        public float Gamma, Eps;

        public readonly bool Run(int start, int end)
        {
            Stabilizer.GammaSplit(In(R, start, end), In(Z, start, end), In(Q, start, end), Gamma, Eps, Out(Sp, start, end), Out(Sn, start, end));
            return true;
        }
    }

    struct AddMultiplyPass : IRangePass<bool>
    {
        public float* A, B, M, Y;

        public readonly bool Run(int start, int end)
        {
            TensorPrimitives.AddMultiply(In(A, start, end), In(B, start, end), In(M, start, end), Out(Y, start, end));
            return true;
        }
    }

    struct SharePass : IRangePass<bool>
    {
        public float* R, A, B, RA, RB;
        public float Eps;

        public readonly bool Run(int start, int end)
        {
            Stabilizer.Share(In(R, start, end), Eps, In(A, start, end), In(B, start, end), Out(RA, start, end), Out(RB, start, end));
            return true;
        }
    }
}
