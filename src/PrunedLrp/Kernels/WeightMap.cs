using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace PrunedLrp.Kernels;

/// <summary>
/// An elementwise weight modification applied on the fly, one per LRP weight variant: w, max(w, 0), min(w, 0),
/// w + g max(w, 0), w + g min(w, 0), 1 and w^2, computed exactly as the modified copies are (so even non-finite
/// weights map alike). It lets one copy of a layer's weights serve all its variants where the weights are read few
/// times (PLRP-M's kept-entry products).
/// </summary>
internal readonly struct WeightMap
{
    readonly Form _form;
    readonly float _gamma;

    enum Form : byte { Identity, Positive, Negative, PlusPositive, PlusNegative, Ones, Square }

    WeightMap(Form form, float gamma = 0f)
    {
        _form = form;
        _gamma = gamma;
    }

    /// <summary>w</summary>
    public static WeightMap Identity => new(Form.Identity);

    /// <summary>max(w, 0)</summary>
    public static WeightMap Positive => new(Form.Positive);

    /// <summary>min(w, 0)</summary>
    public static WeightMap Negative => new(Form.Negative);

    /// <summary>w + gamma max(w, 0)</summary>
    public static WeightMap PlusPositive(float gamma) => new(Form.PlusPositive, gamma);

    /// <summary>w + gamma min(w, 0)</summary>
    public static WeightMap PlusNegative(float gamma) => new(Form.PlusNegative, gamma);

    /// <summary>1 for every weight</summary>
    public static WeightMap Ones => new(Form.Ones);

    /// <summary>w^2</summary>
    public static WeightMap Square => new(Form.Square);

    /// <summary>Leaves the weights unchanged.</summary>
    public bool IsIdentity => _form == Form.Identity;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Apply(float w) => _form switch
    {
        Form.Identity => w,
        Form.Positive => MathF.Max(w, 0f),
        Form.Negative => MathF.Min(w, 0f),
        Form.PlusPositive => MathF.Max(w, 0f) * _gamma + w,
        Form.PlusNegative => MathF.Min(w, 0f) * _gamma + w,
        Form.Ones => 1f,
        _ => w * w,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> w) => _form switch
    {
        Form.Identity => w,
        Form.Positive => Vector256.Max(w, Vector256<float>.Zero),
        Form.Negative => Vector256.Min(w, Vector256<float>.Zero),
        Form.PlusPositive => Vector256.Max(w, Vector256<float>.Zero) * Vector256.Create(_gamma) + w,
        Form.PlusNegative => Vector256.Min(w, Vector256<float>.Zero) * Vector256.Create(_gamma) + w,
        Form.Ones => Vector256<float>.One,
        _ => w * w,
    };
}
