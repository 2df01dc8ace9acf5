using PrunedLrp.Convert.Onnx;

namespace PrunedLrp.Convert;

/// <summary>Typed access to a node's attributes with ONNX defaults; a wrongly typed attribute is a conversion error.</summary>
internal sealed class OnnxAttributes
{
    readonly Dictionary<string, AttributeProto> _byName = new(StringComparer.Ordinal);
    readonly string _where;

    public OnnxAttributes(NodeProto node, string where)
    {
        _where = where;
        foreach (var a in node.Attribute)
            _byName[a.Name] = a;
    }

    public bool Has(string name) => _byName.ContainsKey(name);

    public long Int(string name, long fallback) => Get(name, AttributeProto.Types.AttributeType.Int)?.I ?? fallback;

    public float Float(string name, float fallback) => Get(name, AttributeProto.Types.AttributeType.Float)?.F ?? fallback;

    public string String(string name, string fallback) =>
        Get(name, AttributeProto.Types.AttributeType.String)?.S.ToStringUtf8() ?? fallback;

    public long[]? Ints(string name) => Get(name, AttributeProto.Types.AttributeType.Ints)?.Ints.ToArray();

    public float[]? Floats(string name) => Get(name, AttributeProto.Types.AttributeType.Floats)?.Floats.ToArray();

    public TensorProto? Tensor(string name) => Get(name, AttributeProto.Types.AttributeType.Tensor)?.T;

    /// <summary>Attribute names present, for rejecting ones we do not understand.</summary>
    public IEnumerable<string> Names => _byName.Keys;

    AttributeProto? Get(string name, AttributeProto.Types.AttributeType type)
    {
        if (!_byName.TryGetValue(name, out var a))
            return null;
        // Writers that predate the type field leave it UNDEFINED; trust the name then.
        if (a.Type != type && a.Type != AttributeProto.Types.AttributeType.Undefined)
            throw new ConversionException($"{_where}: attribute '{name}' has type {a.Type}, want {type}");
        return a;
    }
}
