namespace PrunedLrp.Graph;

/// <summary>
/// Checks a <see cref="ModelSpec"/> for consistency and computes every node's output shape (without batch).
/// Every problem is reported as an <see cref="InvalidDataException"/> naming the node, the field and the problem, so
/// the model reader, the converter and the engine share one validation.
/// </summary>
public static class ShapeInference
{
    /// <summary>Largest element count of one tensor (per sample) that we accept: 2^31 - 1 elements.</summary>
    public const long MaxElements = int.MaxValue;

    /// <summary>Validates <paramref name="model"/> and returns the output shape of every node.</summary>
    /// <exception cref="InvalidDataException">The graph is inconsistent.</exception>
    public static int[][] Infer(ModelSpec model)
    {
        if (model.Nodes.Count == 0 || model.Nodes[0].Kind != OpKind.Input)
            throw new InvalidDataException("node table: node 0 must be the Input node");
        CheckShape(model.InputShape, "input shape");
        if (model.InputShape.Length is < 1 or > 3)
            throw new InvalidDataException($"input shape: rank {model.InputShape.Length} is not supported (1 to 3 dimensions without batch)");
        var shapes = new int[model.Nodes.Count][];
        shapes[0] = model.InputShape;
        for (int id = 1; id < model.Nodes.Count; id++)
        {
            var node = model.Nodes[id];
            int expectedInputs = node.Kind == OpKind.Add ? 2 : 1;
            if (node.Kind == OpKind.Input)
                throw new InvalidDataException($"node {id} ({node}): only node 0 may be an Input node");
            if (node.Inputs.Length != expectedInputs)
                throw new InvalidDataException($"node {id} ({node}): has {node.Inputs.Length} inputs, {node.Kind} takes {expectedInputs}");
            foreach (int input in node.Inputs)
            {
                if (input < 0 || input >= id)
                    throw new InvalidDataException($"node {id} ({node}): input id {input} is not an earlier node (0..{id - 1})");
            }
            shapes[id] = InferNode(id, node, shapes[node.Inputs[0]], node.Inputs.Length > 1 ? shapes[node.Inputs[1]] : null);
            CheckShape(shapes[id], $"node {id} ({node}) output shape");
        }
        return shapes;
    }

    static int[] InferNode(int id, NodeSpec node, int[] x, int[]? y)
    {
        string where = $"node {id} ({node})";
        switch (node.Kind)
        {
            case OpKind.Relu:
                return x;
            case OpKind.Flatten:
                return [checked((int)Elements(x))];
            case OpKind.Add:
                if (!x.AsSpan().SequenceEqual(y))
                    throw new InvalidDataException($"{where}: adds shapes [{string.Join(",", x)}] and [{string.Join(",", y!)}], which differ");
                return x;
            case OpKind.GlobalAvgPool:
                if (x.Length < 2)
                    throw new InvalidDataException($"{where}: input [{string.Join(",", x)}] has no spatial axis");
                return [x[0]];
            case OpKind.Affine:
                RequireParam(where, "weight", node.WeightShape, node.Weight.Length, [x[0]]);
                RequireParam(where, "bias", [node.Bias.Length], node.Bias.Length, [x[0]]);
                return x;
            case OpKind.Dense:
                if (x.Length != 1)
                    throw new InvalidDataException($"{where}: input [{string.Join(",", x)}] must be flat (insert Flatten)");
                if (node.WeightShape.Length != 2 || node.WeightShape[1] != x[0])
                    throw new InvalidDataException($"{where}: weight shape [{string.Join(",", node.WeightShape)}] does not fit input [{x[0]}] (want [out, {x[0]}])");
                RequireParam(where, "weight", node.WeightShape, node.Weight.Length, node.WeightShape);
                if (node.Bias.Length != 0 && node.Bias.Length != node.WeightShape[0])
                    throw new InvalidDataException($"{where}: bias has {node.Bias.Length} values, want {node.WeightShape[0]}");
                return [node.WeightShape[0]];
            case OpKind.Conv:
                return InferConv(where, node, x);
            case OpKind.MaxPool:
            case OpKind.AvgPool:
                return InferPool(where, node, x);
            default:
                throw new InvalidDataException($"{where}: unknown op kind {(int)node.Kind}");
        }
    }

    static int[] InferConv(string where, NodeSpec node, int[] x)
    {
        int spatial = x.Length - 1;
        CheckWindow(where, node, spatial, dilated: true);
        int groups = node.Groups;
        if (node.WeightShape.Length != spatial + 2)
            throw new InvalidDataException($"{where}: weight rank {node.WeightShape.Length}, want {spatial + 2} for a {spatial}-D convolution");
        RequireParam(where, "weight", node.WeightShape, node.Weight.Length, node.WeightShape);
        int outChannels = node.WeightShape[0];
        if (groups < 1 || x[0] % groups != 0 || outChannels % groups != 0)
            throw new InvalidDataException($"{where}: groups {groups} must divide input channels {x[0]} and output channels {outChannels}");
        if (node.WeightShape[1] != x[0] / groups)
            throw new InvalidDataException($"{where}: weight has {node.WeightShape[1]} input channels per group, input gives {x[0] / groups}");
        for (int a = 0; a < spatial; a++)
        {
            if (node.WeightShape[a + 2] != node.Kernel[a])
                throw new InvalidDataException($"{where}: kernel attribute {node.Kernel[a]} disagrees with weight shape {node.WeightShape[a + 2]} on axis {a}");
        }
        if (node.Bias.Length != 0 && node.Bias.Length != outChannels)
            throw new InvalidDataException($"{where}: bias has {node.Bias.Length} values, want {outChannels}");
        var shape = new int[x.Length];
        shape[0] = outChannels;
        for (int a = 0; a < spatial; a++)
            shape[a + 1] = OutputSize(where, x[a + 1], node, a, ceil: false);
        return shape;
    }

    static int[] InferPool(string where, NodeSpec node, int[] x)
    {
        int spatial = x.Length - 1;
        CheckWindow(where, node, spatial, dilated: node.Kind == OpKind.MaxPool);
        var shape = new int[x.Length];
        shape[0] = x[0];
        for (int a = 0; a < spatial; a++)
        {
            if (node.PadsBegin[a] * 2 > node.Kernel[a] && node.Kind == OpKind.MaxPool)
                throw new InvalidDataException($"{where}: padding {node.PadsBegin[a]} exceeds half the kernel {node.Kernel[a]} on axis {a}");
            shape[a + 1] = OutputSize(where, x[a + 1], node, a, node.CeilMode);
        }
        return shape;
    }

    /// <summary>Output length of a window op along spatial axis <paramref name="axis"/>, PyTorch/ONNX convention
    /// (with ceil mode, a last window that starts in the right padding is dropped).</summary>
    public static int OutputSize(string where, int input, NodeSpec node, int axis, bool ceil)
    {
        long padded = (long)input + node.PadsBegin[axis] + node.PadsEnd[axis];
        long span = (long)node.Dilations[axis] * (node.Kernel[axis] - 1) + 1;
        if (padded < span)
            throw new InvalidDataException($"{where}: window {span} is larger than the padded input {padded} on axis {axis}");
        long steps = padded - span;
        long count = (ceil ? (steps + node.Strides[axis] - 1) / node.Strides[axis] : steps / node.Strides[axis]) + 1;
        if (ceil && (count - 1) * node.Strides[axis] >= input + node.PadsBegin[axis])
            count--;
        return checked((int)count);
    }

    static void CheckWindow(string where, NodeSpec node, int spatial, bool dilated)
    {
        if (spatial is < 1 or > 2)
            throw new InvalidDataException($"{where}: {spatial}-D windows are not supported (1-D and 2-D are)");
        if (node.Kernel.Length != spatial || node.Strides.Length != spatial || node.PadsBegin.Length != spatial
            || node.PadsEnd.Length != spatial || node.Dilations.Length != spatial)
            throw new InvalidDataException($"{where}: kernel/strides/pads/dilations must each have {spatial} values for a {spatial}-D input");
        for (int a = 0; a < spatial; a++)
        {
            if (node.Kernel[a] < 1 || node.Strides[a] < 1 || node.Dilations[a] < 1 || node.PadsBegin[a] < 0 || node.PadsEnd[a] < 0)
                throw new InvalidDataException($"{where}: kernel, stride and dilation must be >= 1 and pads >= 0 (axis {a})");
            if (!dilated && node.Dilations[a] != 1)
                throw new InvalidDataException($"{where}: dilation {node.Dilations[a]} is not supported for {node.Kind}");
        }
    }

    static void RequireParam(string where, string field, int[] shape, int length, int[] expected)
    {
        if (!shape.AsSpan().SequenceEqual(expected))
            throw new InvalidDataException($"{where}: {field} shape [{string.Join(",", shape)}], want [{string.Join(",", expected)}]");
        if (Elements(shape) != length)
            throw new InvalidDataException($"{where}: {field} has {length} values, its shape [{string.Join(",", shape)}] needs {Elements(shape)}");
    }

    static void CheckShape(int[] shape, string what)
    {
        if (shape.Length == 0)
            throw new InvalidDataException($"{what}: empty shape");
        foreach (int d in shape)
        {
            if (d < 1)
                throw new InvalidDataException($"{what}: dimension {d} in [{string.Join(",", shape)}] must be >= 1");
        }
        if (Elements(shape) > MaxElements)
            throw new InvalidDataException($"{what}: [{string.Join(",", shape)}] has more than {MaxElements} elements");
    }

    /// <summary>Product of the dimensions, as a 64-bit count (no overflow for validated shapes).</summary>
    public static long Elements(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            n *= d;
            if (n > MaxElements * 64L)
                return long.MaxValue;
        }
        return n;
    }
}
