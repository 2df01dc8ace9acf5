using PrunedLrp.Convert.Onnx;
using PrunedLrp.Convert.Rewrites;
using PrunedLrp.Graph;

namespace PrunedLrp.Convert;

/// <summary>One handler per supported ONNX op.</summary>
internal sealed partial class OnnxImporter
{
    /// <summary>The ops the converter understands, for error messages.</summary>
    public const string SupportedOps = "Conv, Gemm, MatMul, Add, BatchNormalization, Relu, MaxPool, AveragePool, "
        + "GlobalAveragePool, Pad (constant 0), Flatten, Reshape ([batch, -1]), Dropout, Identity, Constant, "
        + "and on constants Shape, Gather, Unsqueeze, Squeeze, Concat, ConstantOfShape, Slice, Transpose, Cast";

    void ImportNode(NodeProto node)
    {
        string where = $"node '{node.Name}' ({node.OpType})";
        if (node.Domain is not ("" or "ai.onnx"))
            throw new ConversionException($"{where}: op '{node.OpType}' of domain '{node.Domain}' is not supported; supported: {SupportedOps}");
        if (node.Output.Count == 0)
            throw new ConversionException($"{where}: has no output");
        var attrs = new OnnxAttributes(node, where);
        switch (node.OpType)
        {
            case "Constant": ImportConstant(node, attrs, where); break;
            case "Identity": Alias(node, In(node, 0, where)); break;
            case "Dropout": ImportDropout(node, where); break;
            case "Shape": ImportShape(node, attrs, where); break;
            case "Gather": Set(node, ShapeFolding.Gather(Const(node, 0, where), Const(node, 1, where), attrs.Int("axis", 0), where)); break;
            case "Unsqueeze": Set(node, ShapeFolding.Unsqueeze(Const(node, 0, where), Axes(node, attrs, where) ?? throw new ConversionException($"{where}: has no axes"), where)); break;
            case "Squeeze": Set(node, ShapeFolding.Squeeze(Const(node, 0, where), Axes(node, attrs, where), where)); break;
            case "Concat": Set(node, ShapeFolding.Concat(node.Input.Select((_, i) => Const(node, i, where)).ToList(), attrs.Int("axis", 0), where)); break;
            case "ConstantOfShape": Set(node, ConstantFolding.ConstantOfShape(Const(node, 0, where), attrs.Tensor("value") is { } fill ? OnnxTensors.Decode(fill, where) : null, where)); break;
            case "Transpose": Set(node, ConstantFolding.Transpose(Const(node, 0, where), attrs.Ints("perm"), where)); break;
            case "Cast": Set(node, ConstantFolding.Cast(Const(node, 0, where), attrs.Int("to", 0), where)); break;
            case "Slice": ImportSlice(node, attrs, where); break;
            case "Relu": AddLayer(node, new LayerBuilder { Kind = OpKind.Relu, Name = node.Name, Inputs = [Activation(node, 0, where)] }, where); break;
            case "GlobalAveragePool": ImportGlobalAveragePool(node, where); break;
            case "Flatten": ImportFlatten(node, attrs, where); break;
            case "Reshape": ImportReshape(node, attrs, where); break;
            case "Gemm": ImportGemm(node, attrs, where); break;
            case "MatMul": ImportMatMul(node, where); break;
            case "Add": ImportAdd(node, where); break;
            case "BatchNormalization": ImportBatchNorm(node, attrs, where); break;
            case "Conv": ImportConv(node, attrs, where); break;
            case "MaxPool": ImportPool(node, attrs, OpKind.MaxPool, where); break;
            case "AveragePool": ImportPool(node, attrs, OpKind.AvgPool, where); break;
            case "Pad": ImportPad(node, attrs, where); break;
            default:
                throw new ConversionException($"{where}: op '{node.OpType}' is not supported; supported: {SupportedOps}");
        }
    }

    void ImportConstant(NodeProto node, OnnxAttributes attrs, string where)
    {
        if (attrs.Tensor("value") is { } tensor)
            Set(node, OnnxTensors.Decode(tensor, where));
        else if (attrs.Has("value_float"))
            Set(node, new ConstantValue([], [attrs.Float("value_float", 0)], null));
        else if (attrs.Floats("value_floats") is { } floats)
            Set(node, new ConstantValue([floats.Length], floats, null));
        else if (attrs.Has("value_int"))
            Set(node, new ConstantValue([], null, [attrs.Int("value_int", 0)]));
        else if (attrs.Ints("value_ints") is { } ints)
            Set(node, new ConstantValue([ints.Length], null, ints));
        else
            throw new ConversionException($"{where}: only value, value_float(s) and value_int(s) constants are supported");
    }

    void ImportDropout(NodeProto node, string where)
    {
        // Inference: Dropout is the identity unless training_mode (input 2, opset 12+) is a true constant.
        if (HasInput(node, 2) && Const(node, 2, where) is { } mode && (mode.Ints?.Any(v => v != 0) ?? mode.Floats!.Any(v => v != 0)))
            throw new ConversionException($"{where}: training_mode is true; export the model in eval mode");
        RequireUnread(node, 1, "mask", where);
        Alias(node, In(node, 0, where));
    }

    void ImportShape(NodeProto node, OnnxAttributes attrs, string where)
    {
        long start = attrs.Int("start", 0);
        long? end = attrs.Has("end") ? attrs.Int("end", 0) : null;
        switch (In(node, 0, where))
        {
            case ActivationValue a:
                Set(node, ShapeFolding.Shape(a.Layer.OnnxShape, start, end));
                break;
            case ConstantValue c:
                var dims = c.Dims.Select(d => (int)d).ToArray();
                // A constant's shape has no batch axis: drop the symbol ShapeFolding puts first.
                var all = ShapeFolding.Shape(dims, 0, null).Ints![1..];
                int rank = all.Length;
                int s = (int)Math.Clamp(start < 0 ? start + rank : start, 0, rank);
                int e = (int)Math.Clamp(end is null ? rank : end.Value < 0 ? end.Value + rank : end.Value, 0, rank);
                var values = s < e ? all[s..e] : [];
                Set(node, new ConstantValue([values.Length], null, values));
                break;
            default:
                throw new ConversionException($"{where}: reads a pending Pad");
        }
    }

    void ImportGlobalAveragePool(NodeProto node, string where)
    {
        var x = WindowInput(node, where, out _);
        var layer = AddLayer(node, new LayerBuilder { Kind = OpKind.GlobalAvgPool, Name = node.Name, Inputs = [x] }, where);
        // ONNX keeps the pooled axes as size 1; Shape/Reshape/Flatten downstream must see that.
        layer.OnnxShape = [layer.Shape[0], .. Enumerable.Repeat(1, x.Shape.Length - 1)];
    }

    void ImportFlatten(NodeProto node, OnnxAttributes attrs, string where)
    {
        var x = Activation(node, 0, where);
        int rank = x.OnnxShape.Length + 1;
        long axis = attrs.Int("axis", 1);
        if ((axis < 0 ? axis + rank : axis) != 1)
            throw new ConversionException($"{where}: axis {axis} is not supported; only axis 1 (flatten each sample) is");
        Flatten(node, x, where);
    }

    void ImportSlice(NodeProto node, OnnxAttributes attrs, string where)
    {
        var data = Const(node, 0, where);
        long[] Ints(int i) => Const(node, i, where).Ints ?? throw new ConversionException($"{where}: input {i} must be an integer constant");
        if (_opset < 10)
            Set(node, ConstantFolding.Slice(data, attrs.Ints("starts") ?? [], attrs.Ints("ends") ?? [], attrs.Ints("axes"), null, where));
        else
            Set(node, ConstantFolding.Slice(data, Ints(1), Ints(2), HasInput(node, 3) ? Ints(3) : null, HasInput(node, 4) ? Ints(4) : null, where));
    }

    void ImportReshape(NodeProto node, OnnxAttributes attrs, string where)
    {
        var target = Const(node, 1, where).Ints ?? throw new ConversionException($"{where}: the target shape is not an integer tensor");
        if (In(node, 0, where) is ConstantValue constant)
        {
            Set(node, ConstantFolding.Reshape(constant, target, attrs.Int("allowzero", 0) != 0, where));
            return;
        }
        var x = Activation(node, 0, where);
        if (!ReshapeFolding.IsBatchFlatten(target, x.OnnxShape, attrs.Int("allowzero", 0) != 0, out string reason))
            throw new ConversionException($"{where}: {reason}");
        Flatten(node, x, where);
    }

    void Flatten(NodeProto node, LayerBuilder x, string where)
    {
        if (x.OnnxShape.Length == 1)
            Alias(node, new ActivationValue(x));
        else
            AddLayer(node, new LayerBuilder { Kind = OpKind.Flatten, Name = node.Name, Inputs = [x] }, where);
    }

    void ImportGemm(NodeProto node, OnnxAttributes attrs, string where)
    {
        var x = FlatActivation(node, where);
        if (attrs.Int("transA", 0) != 0)
            throw new ConversionException($"{where}: transA=1 is not supported (the activation must be [batch, features])");
        var b = Const(node, 1, where);
        if (b.Floats is null || b.Dims.Length != 2)
            throw new ConversionException($"{where}: B must be a constant 2-D float matrix");
        bool transB = attrs.Int("transB", 0) != 0;
        float alpha = attrs.Float("alpha", 1f), beta = attrs.Float("beta", 1f);
        int outputs = (int)(transB ? b.Dims[0] : b.Dims[1]);
        int inputs = (int)(transB ? b.Dims[1] : b.Dims[0]);
        // Y = alpha * A * B' + beta * C, so W[o, i] = alpha * B'[i, o] and bias = beta * C.
        var weight = new float[b.Floats.Length];
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++)
                weight[o * inputs + i] = alpha * (transB ? b.Floats[o * inputs + i] : b.Floats[i * outputs + o]);
        }
        float[] bias = HasInput(node, 2) ? BroadcastBias(Const(node, 2, where), outputs, beta, where) : [];
        AddLayer(node, new LayerBuilder { Kind = OpKind.Dense, Name = node.Name, Inputs = [x], Weight = weight, WeightShape = [outputs, inputs], Bias = bias }, where);
    }

    void ImportMatMul(NodeProto node, string where)
    {
        var x = FlatActivation(node, where);
        var b = Const(node, 1, where);
        if (b.Floats is null || b.Dims.Length != 2)
            throw new ConversionException($"{where}: only activation x constant 2-D float matrix is supported");
        int inputs = (int)b.Dims[0], outputs = (int)b.Dims[1];
        var weight = new float[b.Floats.Length];
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++)
                weight[o * inputs + i] = b.Floats[i * outputs + o];
        }
        AddLayer(node, new LayerBuilder { Kind = OpKind.Dense, Name = node.Name, Inputs = [x], Weight = weight, WeightShape = [outputs, inputs] }, where);
    }

    void ImportAdd(NodeProto node, string where)
    {
        var a = In(node, 0, where);
        var b = In(node, 1, where);
        if (a is ActivationValue x && b is ActivationValue y)
        {
            if (!x.Layer.OnnxShape.AsSpan().SequenceEqual(y.Layer.OnnxShape))
                throw new ConversionException($"{where}: adds [{string.Join(",", x.Layer.OnnxShape)}] and [{string.Join(",", y.Layer.OnnxShape)}]; only equal shapes are supported (no broadcasting)");
            AddLayer(node, new LayerBuilder { Kind = OpKind.Add, Name = node.Name, Inputs = [x.Layer, y.Layer] }, where);
            return;
        }
        var (act, constant) = (a, b) switch
        {
            (ActivationValue u, ConstantValue c) => (u.Layer, c),
            (ConstantValue c, ActivationValue u) => (u.Layer, c),
            _ => throw new ConversionException($"{where}: adds {Describe(a)} and {Describe(b)}; supported are two computed tensors (residual) or a constant bias after MatMul/Gemm/Conv"),
        };
        if (act.Kind is not (OpKind.Dense or OpKind.Conv) || act.Readers != 1 || constant.Floats is null)
            throw new ConversionException($"{where}: adds a constant to {act}; a constant is supported only as the bias of a MatMul/Gemm/Conv that nothing else reads");
        // The constant must be one value per output channel/feature ([C], [1, C], [C, 1, 1], [1, C, 1, 1]) or a scalar.
        int channels = act.Shape[0];
        if ((constant.Count != 1 && constant.Count != channels) || !IsPerChannel(constant.Dims, act.Shape))
            throw new ConversionException($"{where}: constant [{string.Join(",", constant.Dims)}] is not a per-channel bias for {act} with output [{string.Join(",", act.Shape)}]");
        var bias = new float[channels];
        for (int c = 0; c < channels; c++)
            bias[c] = (act.Bias.Length == 0 ? 0 : act.Bias[c]) + constant.Floats[constant.Count == 1 ? 0 : c];
        act.Bias = bias;
        Alias(node, new ActivationValue(act));
    }

    /// <summary>Whether a constant of <paramref name="dims"/>, broadcast against [N, <paramref name="shape"/>...],
    /// varies only along the channel axis (axis 1).</summary>
    static bool IsPerChannel(long[] dims, int[] shape)
    {
        int full = shape.Length + 1;
        if (dims.Length > full)
            return false;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] != 1 && full - dims.Length + i != 1)
                return false;
        }
        return true;
    }

    void ImportBatchNorm(NodeProto node, OnnxAttributes attrs, string where)
    {
        var x = Activation(node, 0, where);
        if (attrs.Int("training_mode", 0) != 0)
            throw new ConversionException($"{where}: training_mode=1 is not supported; export the model in eval mode");
        for (int i = 1; i < node.Output.Count; i++)
            RequireUnread(node, i, "running statistics", where);
        float[] gamma = Floats(node, 1, where), beta = Floats(node, 2, where), mean = Floats(node, 3, where), variance = Floats(node, 4, where);
        double epsilon = attrs.Float("epsilon", 1e-5f);
        int channels = x.Shape[0];
        if (gamma.Length != channels)
            throw new ConversionException($"{where}: has {gamma.Length} channels, its input [{string.Join(",", x.Shape)}] has {channels}");
        if (BatchNormFolding.CanFold(x))
        {
            BatchNormFolding.Fold(x, gamma, beta, mean, variance, epsilon, where);
            Alias(node, new ActivationValue(x));
            return;
        }
        var (scale, shift) = BatchNormFolding.ScaleShift(gamma, beta, mean, variance, epsilon, where);
        AddLayer(node, new LayerBuilder { Kind = OpKind.Affine, Name = node.Name, Inputs = [x], Weight = scale, WeightShape = [channels], Bias = shift }, where);
    }

    void ImportConv(NodeProto node, OnnxAttributes attrs, string where)
    {
        var x = WindowInput(node, where, out var pad);
        var w = Const(node, 1, where);
        int spatial = x.Shape.Length - 1;
        if (w.Floats is null || w.Dims.Length != spatial + 2)
            throw new ConversionException($"{where}: weight must be a constant float tensor of rank {spatial + 2} for a {spatial}-D input");
        int[] weightShape = w.Dims.Select(d => (int)d).ToArray();
        var window = Window(attrs, spatial, weightShape[2..], where);
        var layer = new LayerBuilder
        {
            Kind = OpKind.Conv, Name = node.Name, Inputs = [x], Kernel = window.Kernel, Strides = window.Strides,
            PadsBegin = window.Begin, PadsEnd = window.End, Dilations = window.Dilations,
            Groups = Group(attrs.Int("group", 1), where), Weight = w.Floats, WeightShape = weightShape,
            Bias = HasInput(node, 2) ? Floats(node, 2, where) : [],
        };
        if (pad is not null)
            (layer.PadsBegin, layer.PadsEnd, _) = PadFolding.Fold(OpKind.Conv, pad, layer.PadsBegin, layer.PadsEnd, false, where);
        AddLayer(node, layer, where);
    }

    static int Group(long group, string where) => group is >= 1 and <= MaxWindowValue
        ? (int)group
        : throw new ConversionException($"{where}: group {group} is outside 1..{MaxWindowValue}");

    void ImportPool(NodeProto node, OnnxAttributes attrs, OpKind kind, string where)
    {
        var x = WindowInput(node, where, out var pad);
        int spatial = x.Shape.Length - 1;
        var kernel = attrs.Ints("kernel_shape") ?? throw new ConversionException($"{where}: has no kernel_shape");
        if (kind == OpKind.MaxPool)
        {
            if (attrs.Int("storage_order", 0) != 0)
                throw new ConversionException($"{where}: storage_order=1 is not supported");
            RequireUnread(node, 1, "indices", where);
        }
        var window = Window(attrs, spatial, kernel.Select(k => (int)k).ToArray(), where);
        if (kind == OpKind.AvgPool && window.Dilations.Any(d => d != 1))
            throw new ConversionException($"{where}: dilations are not supported for AveragePool");
        var layer = new LayerBuilder
        {
            Kind = kind, Name = node.Name, Inputs = [x], Kernel = window.Kernel, Strides = window.Strides,
            PadsBegin = window.Begin, PadsEnd = window.End, Dilations = window.Dilations,
            CeilMode = attrs.Int("ceil_mode", 0) != 0,
            CountIncludePad = kind == OpKind.AvgPool && attrs.Int("count_include_pad", 0) != 0,
        };
        if (pad is not null)
            (layer.PadsBegin, layer.PadsEnd, layer.CountIncludePad) = PadFolding.Fold(kind, pad, layer.PadsBegin, layer.PadsEnd, layer.CountIncludePad, where);
        AddLayer(node, layer, where);
    }

    void ImportPad(NodeProto node, OnnxAttributes attrs, string where)
    {
        var x = Activation(node, 0, where);
        if (!x.OnnxShape.AsSpan().SequenceEqual(x.Shape))
            throw new ConversionException($"{where}: pads the output of {x}; only Conv/pool inputs may be padded");
        string mode = attrs.String("mode", "constant");
        if (mode != "constant")
            throw new ConversionException($"{where}: mode '{mode}' is not supported; only constant zero padding is");
        long[] pads;
        float value;
        long[]? axes = null;
        if (_opset >= 11)
        {
            pads = Const(node, 1, where).Ints ?? throw new ConversionException($"{where}: pads must be an integer constant");
            value = HasInput(node, 2) ? Const(node, 2, where) switch
            {
                { Floats: { Length: 1 } f } => f[0],
                { Ints: { Length: 1 } i } => i[0],
                _ => throw new ConversionException($"{where}: constant_value must be a scalar constant"),
            } : 0f;
            if (HasInput(node, 3))
                axes = Const(node, 3, where).Ints ?? throw new ConversionException($"{where}: axes must be an integer constant");
        }
        else
        {
            pads = attrs.Ints("pads") ?? throw new ConversionException($"{where}: has no pads");
            value = attrs.Float("value", 0f);
        }
        if (value != 0)
            throw new ConversionException($"{where}: constant value {value} is not supported; only zero padding is");
        var (begin, end) = PadFolding.SpatialPads(pads, axes, x.Shape.Length + 1, where);
        if (begin.All(p => p == 0) && end.All(p => p == 0))
            Alias(node, new ActivationValue(x));
        else
            Set(node, new PaddedValue(x, begin, end, node.Name));
    }
}
