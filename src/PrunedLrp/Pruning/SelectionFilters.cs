using System.Runtime.Intrinsics;

namespace PrunedLrp.Pruning;

/// <summary>The <see cref="ISelectionFilter"/>s of the selection passes. NaN fails every comparison, so no filter keeps it.</summary>
internal static class SelectionFilters
{
    /// <summary>Keeps <c>x &gt; 0</c> as is (the positive side of mass mode).</summary>
    internal readonly struct Positive : ISelectionFilter
    {
        public Vector256<float> Apply(Vector256<float> x, out Vector256<float> keep)
        {
            keep = Vector256.GreaterThan(x, Vector256<float>.Zero);
            return x;
        }

        public bool Apply(float x, out float value)
        {
            value = x;
            return x > 0f;
        }
    }

    /// <summary>Keeps <c>x &lt; 0</c> as <c>-x</c>, so the negative side is selected on magnitudes like the positive side.</summary>
    internal readonly struct NegatedNegative : ISelectionFilter
    {
        public Vector256<float> Apply(Vector256<float> x, out Vector256<float> keep)
        {
            keep = Vector256.LessThan(x, Vector256<float>.Zero);
            return -x;
        }

        public bool Apply(float x, out float value)
        {
            value = -x;
            return x < 0f;
        }
    }

    /// <summary>Keeps <c>x &lt; pivot</c> (descend into the lower part of a partition).</summary>
    internal readonly struct Below(float pivot) : ISelectionFilter
    {
        readonly float _pivot = pivot;

        public Vector256<float> Apply(Vector256<float> x, out Vector256<float> keep)
        {
            keep = Vector256.LessThan(x, Vector256.Create(_pivot));
            return x;
        }

        public bool Apply(float x, out float value)
        {
            value = x;
            return x < _pivot;
        }
    }

    /// <summary>Keeps <c>x &gt; pivot</c> (descend into the upper part of a partition).</summary>
    internal readonly struct Above(float pivot) : ISelectionFilter
    {
        readonly float _pivot = pivot;

        public Vector256<float> Apply(Vector256<float> x, out Vector256<float> keep)
        {
            keep = Vector256.GreaterThan(x, Vector256.Create(_pivot));
            return x;
        }

        public bool Apply(float x, out float value)
        {
            value = x;
            return x > _pivot;
        }
    }

    /// <summary>Keeps <c>lo &lt;= x &lt;= hi</c> (descend into the middle of a bracket).</summary>
    internal readonly struct Between(float lo, float hi) : ISelectionFilter
    {
        readonly float _lo = lo;
        readonly float _hi = hi;

        public Vector256<float> Apply(Vector256<float> x, out Vector256<float> keep)
        {
            keep = Vector256.GreaterThanOrEqual(x, Vector256.Create(_lo)) & Vector256.LessThanOrEqual(x, Vector256.Create(_hi));
            return x;
        }

        public bool Apply(float x, out float value)
        {
            value = x;
            return x >= _lo && x <= _hi;
        }
    }
}
