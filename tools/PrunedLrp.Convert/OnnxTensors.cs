using System.Buffers.Binary;
using PrunedLrp.Convert.Onnx;
using PrunedLrp.Graph;

namespace PrunedLrp.Convert;

/// <summary>Decodes ONNX TensorProto data (raw_data or the typed repeated fields) into a <see cref="ConstantValue"/>,
/// checking that the data length matches the dims.</summary>
internal static class OnnxTensors
{
    public static ConstantValue Decode(TensorProto tensor, string where)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            throw new ConversionException($"{where}: tensor '{tensor.Name}' keeps its data in an external file, which is not supported (save the model with the weights inside)");
        var dims = tensor.Dims.ToArray();
        long count = 1;
        foreach (long d in dims)
        {
            if (d < 0)
                throw new ConversionException($"{where}: tensor '{tensor.Name}' has a negative dimension in [{string.Join(",", dims)}]");
            count *= d;
            if (count > ShapeInference.MaxElements)
                throw new ConversionException($"{where}: tensor '{tensor.Name}' [{string.Join(",", dims)}] has more than {ShapeInference.MaxElements} elements");
        }
        var raw = tensor.RawData.Span;
        switch ((TensorProto.Types.DataType)tensor.DataType)
        {
            case TensorProto.Types.DataType.Float:
            {
                var values = new float[count];
                if (raw.Length > 0 || tensor.FloatData.Count == 0)
                {
                    CheckLength(raw.Length, count * 4, tensor, where);
                    for (int i = 0; i < values.Length; i++)
                        values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]);
                }
                else
                {
                    CheckLength(tensor.FloatData.Count, count, tensor, where);
                    tensor.FloatData.CopyTo(values, 0);
                }
                return new ConstantValue(dims, values, null);
            }
            case TensorProto.Types.DataType.Double:
            {
                var values = new float[count];
                if (raw.Length > 0 || tensor.DoubleData.Count == 0)
                {
                    CheckLength(raw.Length, count * 8, tensor, where);
                    for (int i = 0; i < values.Length; i++)
                        values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw[(i * 8)..]);
                }
                else
                {
                    CheckLength(tensor.DoubleData.Count, count, tensor, where);
                    for (int i = 0; i < values.Length; i++)
                        values[i] = (float)tensor.DoubleData[i];
                }
                return new ConstantValue(dims, values, null);
            }
            case TensorProto.Types.DataType.Int64:
            {
                var values = new long[count];
                if (raw.Length > 0 || tensor.Int64Data.Count == 0)
                {
                    CheckLength(raw.Length, count * 8, tensor, where);
                    for (int i = 0; i < values.Length; i++)
                        values[i] = BinaryPrimitives.ReadInt64LittleEndian(raw[(i * 8)..]);
                }
                else
                {
                    CheckLength(tensor.Int64Data.Count, count, tensor, where);
                    tensor.Int64Data.CopyTo(values, 0);
                }
                return new ConstantValue(dims, null, values);
            }
            case TensorProto.Types.DataType.Bool:
            {
                // One byte per element in raw_data, or one int32 per element in int32_data.
                var values = new long[count];
                if (raw.Length > 0 || tensor.Int32Data.Count == 0)
                {
                    CheckLength(raw.Length, count, tensor, where);
                    for (int i = 0; i < values.Length; i++)
                        values[i] = raw[i] != 0 ? 1 : 0;
                }
                else
                {
                    CheckLength(tensor.Int32Data.Count, count, tensor, where);
                    for (int i = 0; i < values.Length; i++)
                        values[i] = tensor.Int32Data[i] != 0 ? 1 : 0;
                }
                return new ConstantValue(dims, null, values);
            }
            case TensorProto.Types.DataType.Int32:
            {
                var values = new long[count];
                if (raw.Length > 0 || tensor.Int32Data.Count == 0)
                {
                    CheckLength(raw.Length, count * 4, tensor, where);
                    for (int i = 0; i < values.Length; i++)
                        values[i] = BinaryPrimitives.ReadInt32LittleEndian(raw[(i * 4)..]);
                }
                else
                {
                    CheckLength(tensor.Int32Data.Count, count, tensor, where);
                    for (int i = 0; i < values.Length; i++)
                        values[i] = tensor.Int32Data[i];
                }
                return new ConstantValue(dims, null, values);
            }
            default:
                throw new ConversionException($"{where}: tensor '{tensor.Name}' has data type {tensor.DataType}; only float, double, int32, int64 and bool constants are supported");
        }
    }

    static void CheckLength(long actual, long expected, TensorProto tensor, string where)
    {
        if (actual != expected)
            throw new ConversionException($"{where}: tensor '{tensor.Name}' [{string.Join(",", tensor.Dims)}] holds {actual} data units, its dims need {expected}");
    }
}
