namespace PrunedLrp.Convert;

/// <summary>An ONNX model that cannot be converted; the message names the op, the node and what is supported.</summary>
public sealed class ConversionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConversionException()
    {
    }

    /// <summary>Creates the exception with a one-line message.</summary>
    public ConversionException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public ConversionException(string message, Exception inner) : base(message, inner)
    {
    }
}
