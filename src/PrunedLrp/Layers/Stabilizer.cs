using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PrunedLrp.Layers;

/// <summary>
/// Zennit's stabilizer: <c>stab(z) = z + eps * sgn(z)</c> with <c>sgn(0) = +1</c>, so a zero denominator becomes eps.
/// </summary>
internal static class Stabilizer
{
    /// <summary>Zennit's default stabilizer for every rule but Epsilon's own epsilon.</summary>
    public const float Default = 1e-6f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(float z, float eps) => z >= 0f ? z + eps : z - eps;

    // stab(z) on 8 lanes: -0 >= 0 holds, so -0 gets +eps like Zennit's (z == 0) + sign(z).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Apply(Vector256<float> z, Vector256<float> eps)
        => z + Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(z, Vector256<float>.Zero), eps, -eps);

    /// <summary><c>s = r / stab(z)</c> elementwise (s may alias r or z).</summary>
    public static void Divide(ReadOnlySpan<float> r, ReadOnlySpan<float> z, float eps, Span<float> s)
    {
        int n = s.Length, i = 0;
        if (r.Length < n || z.Length < n)
            throw new ArgumentException("r and z must be at least as long as s");
        ref float rr = ref MemoryMarshal.GetReference(r);
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float sr = ref MemoryMarshal.GetReference(s);
        if (Vector256.IsHardwareAccelerated)
        {
            var e = Vector256.Create(eps);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                (Vector256.LoadUnsafe(ref rr, (nuint)i) / Apply(Vector256.LoadUnsafe(ref zr, (nuint)i), e)).StoreUnsafe(ref sr, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref sr, i) = Unsafe.Add(ref rr, i) / Apply(Unsafe.Add(ref zr, i), eps);
    }

    /// <summary><c>acc += r / stab(z)</c> elementwise: the quotients of <see cref="Divide"/>, bit for bit, each added
    /// to acc (acc must not alias r or z).</summary>
    public static void DivideAdd(ReadOnlySpan<float> r, ReadOnlySpan<float> z, float eps, Span<float> acc)
    {
        int n = acc.Length, i = 0;
        if (r.Length < n || z.Length < n)
            throw new ArgumentException("r and z must be at least as long as acc");
        ref float rr = ref MemoryMarshal.GetReference(r);
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float ar = ref MemoryMarshal.GetReference(acc);
        if (Vector256.IsHardwareAccelerated)
        {
            var e = Vector256.Create(eps);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                (Vector256.LoadUnsafe(ref ar, (nuint)i) + Vector256.LoadUnsafe(ref rr, (nuint)i) / Apply(Vector256.LoadUnsafe(ref zr, (nuint)i), e))
                    .StoreUnsafe(ref ar, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref ar, i) += Unsafe.Add(ref rr, i) / Apply(Unsafe.Add(ref zr, i), eps);
    }

    /// <summary><c>s = r / stab(a + b)</c> elementwise (s may alias r, a or b).</summary>
    public static void DivideSum(ReadOnlySpan<float> r, ReadOnlySpan<float> a, ReadOnlySpan<float> b, float eps, Span<float> s)
    {
        int n = s.Length, i = 0;
        if (r.Length < n || a.Length < n || b.Length < n)
            throw new ArgumentException("r, a and b must be at least as long as s");
        ref float rr = ref MemoryMarshal.GetReference(r);
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float sr = ref MemoryMarshal.GetReference(s);
        if (Vector256.IsHardwareAccelerated)
        {
            var e = Vector256.Create(eps);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var sum = Vector256.LoadUnsafe(ref ar, (nuint)i) + Vector256.LoadUnsafe(ref br, (nuint)i);
                (Vector256.LoadUnsafe(ref rr, (nuint)i) / Apply(sum, e)).StoreUnsafe(ref sr, (nuint)i);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref sr, i) = Unsafe.Add(ref rr, i) / Apply(Unsafe.Add(ref ar, i) + Unsafe.Add(ref br, i), eps);
    }

    /// <summary>
    /// The Norm rule of a sum <c>z = a + b</c> in one pass, with z formed again from its terms (the same float sum as the
    /// forward's, so the sum's output need not be kept): <c>s = r / stab(a + b)</c>, <c>rA = a * s</c> and, when
    /// <paramref name="rB"/> is not empty, <c>rB = b * s</c>; the same float operations as an addition,
    /// <see cref="Divide"/> and two products, without writing z or s (rA and rB may alias a, b or r).
    /// </summary>
    public static void Share(ReadOnlySpan<float> r, float eps, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> rA, Span<float> rB)
    {
        int n = rA.Length, i = 0;
        bool second = !rB.IsEmpty;
        if (r.Length < n || a.Length < n || b.Length < n || (second && rB.Length < n))
            throw new ArgumentException("r, a, b (and rB) must be at least as long as rA");
        ref float rr = ref MemoryMarshal.GetReference(r);
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float outA = ref MemoryMarshal.GetReference(rA);
        ref float outB = ref MemoryMarshal.GetReference(rB);
        if (Vector256.IsHardwareAccelerated)
        {
            var e = Vector256.Create(eps);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                // Both terms are read before rA or rB, which may overwrite them, is written.
                var av = Vector256.LoadUnsafe(ref ar, (nuint)i);
                var bv = Vector256.LoadUnsafe(ref br, (nuint)i);
                var quotient = Vector256.LoadUnsafe(ref rr, (nuint)i) / Apply(av + bv, e);
                (av * quotient).StoreUnsafe(ref outA, (nuint)i);
                if (second)
                    (bv * quotient).StoreUnsafe(ref outB, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float ai = Unsafe.Add(ref ar, i), bi = Unsafe.Add(ref br, i);
            float quotient = Unsafe.Add(ref rr, i) / Apply(ai + bi, eps);
            Unsafe.Add(ref outA, i) = ai * quotient;
            if (second)
                Unsafe.Add(ref outB, i) = bi * quotient;
        }
    }

    /// <summary>
    /// Gamma's split after a ReLU in one pass, from the output <c>z = w x + b</c> and <c>q = w+ x + b+</c>:
    /// <c>zpos = z + g q</c>, <c>zneg = (1 + g) z - g q</c>, <c>sp = [z &gt; 0] r / stab(zpos)</c> and
    /// <c>sn = [z &lt; 0] r / stab(zneg)</c>; the same float operations as two products, a sum and two
    /// <see cref="DivideWhere"/> passes (sp and sn may alias q, r or z: each lane reads all three before it writes).
    /// </summary>
    public static void GammaSplit(ReadOnlySpan<float> r, ReadOnlySpan<float> z, ReadOnlySpan<float> q, float gamma, float eps,
        Span<float> sp, Span<float> sn)
    {
        int n = sp.Length, i = 0;
        if (r.Length < n || z.Length < n || q.Length < n || sn.Length < n)
            throw new ArgumentException("r, z, q and sn must be at least as long as sp");
        ref float rr = ref MemoryMarshal.GetReference(r);
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float qr = ref MemoryMarshal.GetReference(q);
        ref float pr = ref MemoryMarshal.GetReference(sp);
        ref float nr = ref MemoryMarshal.GetReference(sn);
        float minusGamma = -gamma, onePlusGamma = 1f + gamma;
        if (Vector256.IsHardwareAccelerated)
        {
            var e = Vector256.Create(eps);
            var g = Vector256.Create(gamma);
            var mg = Vector256.Create(minusGamma);
            var og = Vector256.Create(onePlusGamma);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var zv = Vector256.LoadUnsafe(ref zr, (nuint)i);
                var qv = Vector256.LoadUnsafe(ref qr, (nuint)i);
                var rv = Vector256.LoadUnsafe(ref rr, (nuint)i);
                // Products and sums unfused, as the separate passes rounded them.
                var positive = rv / Apply(qv * g + zv, e);
                var negative = rv / Apply(zv * og + qv * mg, e);
                (positive & Vector256.GreaterThan(zv, Vector256<float>.Zero)).StoreUnsafe(ref pr, (nuint)i);
                (negative & Vector256.LessThan(zv, Vector256<float>.Zero)).StoreUnsafe(ref nr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float zi = Unsafe.Add(ref zr, i), qi = Unsafe.Add(ref qr, i), ri = Unsafe.Add(ref rr, i);
            float zPos = qi * gamma + zi, zNeg = zi * onePlusGamma + qi * minusGamma;
            Unsafe.Add(ref pr, i) = zi > 0f ? ri / Apply(zPos, eps) : 0f;
            Unsafe.Add(ref nr, i) = zi < 0f ? ri / Apply(zNeg, eps) : 0f;
        }
    }

    /// <summary><c>s = mask * r / stab(z)</c> where <c>mask = (select(z))</c>: keeps outputs with z &gt; 0
    /// (<paramref name="positive"/>) or z &lt; 0, zero elsewhere (Gamma's output split).</summary>
    public static void DivideWhere(ReadOnlySpan<float> r, ReadOnlySpan<float> den, float eps, ReadOnlySpan<float> z, bool positive, Span<float> s)
    {
        int n = s.Length, i = 0;
        if (r.Length < n || den.Length < n || z.Length < n)
            throw new ArgumentException("r, den and z must be at least as long as s");
        ref float rr = ref MemoryMarshal.GetReference(r);
        ref float dr = ref MemoryMarshal.GetReference(den);
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float sr = ref MemoryMarshal.GetReference(s);
        if (Vector256.IsHardwareAccelerated)
        {
            var e = Vector256.Create(eps);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var zv = Vector256.LoadUnsafe(ref zr, (nuint)i);
                var take = positive ? Vector256.GreaterThan(zv, Vector256<float>.Zero) : Vector256.LessThan(zv, Vector256<float>.Zero);
                var quotient = Vector256.LoadUnsafe(ref rr, (nuint)i) / Apply(Vector256.LoadUnsafe(ref dr, (nuint)i), e);
                // Outside the mask the quotient (even a NaN) is replaced by +0, as the scalar form never divides there.
                (quotient & take).StoreUnsafe(ref sr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float zi = Unsafe.Add(ref zr, i);
            bool take = positive ? zi > 0f : zi < 0f;
            Unsafe.Add(ref sr, i) = take ? Unsafe.Add(ref rr, i) / Apply(Unsafe.Add(ref dr, i), eps) : 0f;
        }
    }
}
