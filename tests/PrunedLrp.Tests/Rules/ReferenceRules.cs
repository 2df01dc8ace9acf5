namespace PrunedLrp.Tests.Rules;

/// <summary>
/// The textbook formulas of REFERENCE.md, in double precision, on an explicit matrix: the reference twins of the
/// bound rules. <c>mask</c> (PLRP-M) zeroes every input-side quantity outside the kept set.
/// </summary>
internal static class ReferenceRules
{
    static double Stab(double z, double eps) => z >= 0 ? z + eps : z - eps;
    static double Pos(double v) => Math.Max(v, 0);
    static double Neg(double v) => Math.Min(v, 0);

    /// <summary>Generic sign-split rule: <c>R_i = sum_j sum_k num_k(i, j) R_j / stab(den_k(j))</c>.</summary>
    static double[] Share(LinearMatrix l, double[] r, Func<int, int, double> num, Func<int, double> bias, double eps,
        Func<int, bool>? outputFilter = null, double factor = 1)
    {
        var result = new double[l.In];
        for (int j = 0; j < l.Out; j++)
        {
            if (outputFilter != null && !outputFilter(j)) continue;
            double den = bias(j);
            for (int i = 0; i < l.In; i++) den += num(i, j);
            double s = r[j] / Stab(den, eps);
            for (int i = 0; i < l.In; i++) result[i] += factor * num(i, j) * s;
        }
        return result;
    }

    static double[] Masked(double[] x, double[]? mask) => mask == null ? x : x.Select((v, i) => v * mask[i]).ToArray();

    public static double[] Epsilon(LinearMatrix l, double[] x, double[] r, double eps, double[]? mask = null)
    {
        var xm = Masked(x, mask);
        return Share(l, r, (i, j) => xm[i] * l.M[j, i], j => l.Bias[j], eps);
    }

    public static double[] AlphaBeta(LinearMatrix l, double[] x, double[] r, double alpha, double beta, double stab, double[]? mask = null)
    {
        var xm = Masked(x, mask);
        var a = Share(l, r, (i, j) => Pos(xm[i]) * Pos(l.M[j, i]) + Neg(xm[i]) * Neg(l.M[j, i]), j => Pos(l.Bias[j]), stab, factor: alpha);
        if (beta == 0) return a;
        var b = Share(l, r, (i, j) => Pos(xm[i]) * Neg(l.M[j, i]) + Neg(xm[i]) * Pos(l.M[j, i]), j => Neg(l.Bias[j]), stab, factor: -beta);
        return a.Select((v, i) => v + b[i]).ToArray();
    }

    public static double[] Gamma(LinearMatrix l, double[] x, double[] r, double gamma, double stab, double[]? mask = null)
    {
        var xm = Masked(x, mask);
        double Wp(int j, int i) => l.M[j, i] + gamma * Pos(l.M[j, i]);
        double Wn(int j, int i) => l.M[j, i] + gamma * Neg(l.M[j, i]);
        var z = new double[l.Out];
        for (int j = 0; j < l.Out; j++)
        {
            z[j] = l.Bias[j];
            for (int i = 0; i < l.In; i++) z[j] += xm[i] * l.M[j, i];
        }
        var pos = Share(l, r, (i, j) => Pos(xm[i]) * Wp(j, i) + Neg(xm[i]) * Wn(j, i), j => l.Bias[j] + gamma * Pos(l.Bias[j]), stab, j => z[j] > 0);
        var neg = Share(l, r, (i, j) => Pos(xm[i]) * Wn(j, i) + Neg(xm[i]) * Wp(j, i), j => l.Bias[j] + gamma * Neg(l.Bias[j]), stab, j => z[j] < 0);
        return pos.Select((v, i) => v + neg[i]).ToArray();
    }

    public static double[] ZBox(LinearMatrix l, double[] x, double[] r, double[] low, double[] high, double stab, double[]? mask = null)
    {
        var xm = Masked(x, mask);
        var lo = Masked(low, mask);
        var hi = Masked(high, mask);
        return Share(l, r, (i, j) => xm[i] * l.M[j, i] - lo[i] * Pos(l.M[j, i]) - hi[i] * Neg(l.M[j, i]), _ => 0, stab);
    }

    public static double[] Flat(LinearMatrix l, double[] r, double stab, double[]? mask = null)
    {
        var ones = Masked(Enumerable.Repeat(1.0, l.In).ToArray(), mask);
        return Share(l, r, (i, j) => ones[i] * l.Connected[j, i], _ => 0, stab);
    }

    public static double[] WSquare(LinearMatrix l, double[] r, double stab, double[]? mask = null)
    {
        var ones = Masked(Enumerable.Repeat(1.0, l.In).ToArray(), mask);
        return Share(l, r, (i, j) => ones[i] * l.M[j, i] * l.M[j, i], j => l.Bias[j] * l.Bias[j], stab);
    }
}
