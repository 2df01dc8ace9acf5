namespace PrunedLrp.Convert;

static class Program
{
    static int Main() => Onnx.ModelProto.Descriptor is null ? 1 : 0;
}
