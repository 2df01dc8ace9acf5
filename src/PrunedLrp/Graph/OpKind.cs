namespace PrunedLrp.Graph;

/// <summary>The kinds of node a model graph holds. The numeric values are stored in the model file: never renumber.</summary>
public enum OpKind
{
    /// <summary>The network input (always node 0). Shape: the model's input shape with a free batch dimension.</summary>
    Input = 0,

    /// <summary>Fully connected layer: <c>y[n, j] = sum_i x[n, i] W[j, i] + b[j]</c>. Weight shape [out, in].</summary>
    Dense = 1,

    /// <summary>1-D or 2-D convolution (cross-correlation as in PyTorch) with strides, zero padding, dilation and groups.
    /// Weight shape [outChannels, inChannels / groups, k...]; optional bias [outChannels].</summary>
    Conv = 2,

    /// <summary>Max pooling (1-D or 2-D); padded positions never win.</summary>
    MaxPool = 3,

    /// <summary>Average pooling (1-D or 2-D) with zero padding; <see cref="NodeSpec.CountIncludePad"/> picks the divisor.</summary>
    AvgPool = 4,

    /// <summary>Mean over all spatial positions per channel: [C, ...] to [C] (kept as [C, 1...] by ONNX, we store [C]).</summary>
    GlobalAvgPool = 5,

    /// <summary>max(x, 0).</summary>
    Relu = 6,

    /// <summary>Reshape [C, ...] to [C * ...]; relevance is reshaped back unchanged.</summary>
    Flatten = 7,

    /// <summary>Per-channel affine <c>y = x * scale[c] + shift[c]</c> (a BatchNorm that could not be folded).
    /// Weight = scale [C], Bias = shift [C].</summary>
    Affine = 8,

    /// <summary>Elementwise sum of two tensors of the same shape (residual connection).</summary>
    Add = 9,
}
