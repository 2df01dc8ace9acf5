using System.Diagnostics.CodeAnalysis;

namespace PrunedLrp.IO;

/// <summary>
/// The parsed header dictionary of a <c>.npy</c> file. The header is a Python dict literal; it is parsed by a small
/// strict recursive-descent parser (never evaluated) that accepts exactly the keys <c>descr</c>, <c>fortran_order</c> and
/// <c>shape</c>, each once, with a string, a <c>True</c>/<c>False</c> and a tuple of non-negative integers as values.
/// </summary>
internal readonly record struct NpyHeader(string Descr, bool FortranOrder, int[] Shape)
{
    /// <summary>Parses <paramref name="text"/>; errors name <paramref name="source"/> and the offending field.</summary>
    public static NpyHeader Parse(string text, string source)
    {
        var p = new Parser(text, source);
        return p.ParseDict();
    }

    struct Parser(string text, string source)
    {
        int _pos;

        public NpyHeader ParseDict()
        {
            string? descr = null;
            bool? fortran = null;
            int[]? shape = null;
            SkipSpace();
            Expect('{', "header");
            SkipSpace();
            while (Peek() != '}')
            {
                string key = ParseString("header key");
                SkipSpace();
                Expect(':', $"header key '{key}'");
                SkipSpace();
                switch (key)
                {
                    case "descr":
                        if (descr is not null) Fail("descr", "appears twice");
                        descr = ParseString("descr");
                        break;
                    case "fortran_order":
                        if (fortran is not null) Fail("fortran_order", "appears twice");
                        fortran = ParseBool("fortran_order");
                        break;
                    case "shape":
                        if (shape is not null) Fail("shape", "appears twice");
                        shape = ParseShape();
                        break;
                    default:
                        Fail("header", $"has an unknown key '{key}'");
                        break;
                }
                SkipSpace();
                if (Peek() == ',')
                {
                    _pos++;
                    SkipSpace();
                }
                else if (Peek() != '}')
                {
                    Fail("header", $"expects ',' or '}}' at offset {_pos}");
                }
            }
            _pos++;
            // numpy pads with spaces and ends with '\n'; anything else after the dict is malformed
            SkipSpace();
            if (_pos != text.Length)
                Fail("header", $"has unexpected text after the dictionary at offset {_pos}");
            if (descr is null) Fail("descr", "is missing");
            if (fortran is null) Fail("fortran_order", "is missing");
            if (shape is null) Fail("shape", "is missing");
            return new NpyHeader(descr, fortran.Value, shape);
        }

        int[] ParseShape()
        {
            Expect('(', "shape");
            var dims = new List<int>();
            bool sawComma = false;
            SkipSpace();
            while (Peek() != ')')
            {
                if (dims.Count >= 64)
                    Fail("shape", "has more than 64 dimensions");
                dims.Add(ParseDim());
                SkipSpace();
                sawComma = false;
                if (Peek() == ',')
                {
                    _pos++;
                    sawComma = true;
                    SkipSpace();
                }
                else if (Peek() != ')')
                {
                    Fail("shape", $"expects ',' or ')' at offset {_pos}");
                }
            }
            _pos++;
            // Python needs the trailing comma for a 1-tuple: "(5)" is an int, not a tuple
            if (dims.Count == 1 && !sawComma)
                Fail("shape", "is not a tuple (a 1-tuple needs a trailing comma)");
            return [.. dims];
        }

        int ParseDim()
        {
            int start = _pos;
            if (Peek() == '-')
                Fail("shape", $"has a negative dimension at offset {_pos}");
            long value = 0;
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
            {
                value = value * 10 + (text[_pos] - '0');
                if (value > int.MaxValue)
                    Fail("shape", $"has a dimension larger than {int.MaxValue} at offset {start}");
                _pos++;
            }
            // "L" suffix: Python 2 long literals, written by old numpy
            if (_pos < text.Length && text[_pos] == 'L')
                _pos++;
            if (_pos == start)
                Fail("shape", $"expects a non-negative integer at offset {start}");
            return (int)value;
        }

        bool ParseBool(string field)
        {
            if (string.CompareOrdinal(text, _pos, "True", 0, 4) == 0) { _pos += 4; return true; }
            if (string.CompareOrdinal(text, _pos, "False", 0, 5) == 0) { _pos += 5; return false; }
            Fail(field, $"expects True or False at offset {_pos}");
            return false; // not reached: Fail throws
        }

        string ParseString(string field)
        {
            char quote = Peek();
            if (quote is not ('\'' or '"'))
                Fail(field, $"expects a quoted string at offset {_pos}");
            int start = ++_pos;
            while (_pos < text.Length && text[_pos] != quote)
            {
                if (text[_pos] == '\\')
                    Fail(field, $"has an escape sequence at offset {_pos} (not supported)");
                _pos++;
            }
            if (_pos >= text.Length)
                Fail(field, "has an unterminated string");
            return text[start.._pos++];
        }

        void Expect(char c, string field)
        {
            if (Peek() != c)
                Fail(field, $"expects '{c}' at offset {_pos}");
            _pos++;
        }

        readonly char Peek() => _pos < text.Length ? text[_pos] : '\0';

        void SkipSpace()
        {
            while (_pos < text.Length && text[_pos] is ' ' or '\t' or '\n' or '\r')
                _pos++;
        }

        [DoesNotReturn]
        readonly void Fail(string field, string problem) =>
            throw new InvalidDataException($"{source}: npy header field '{field}' {problem}");
    }
}
