using System.Globalization;

namespace ChatSupport.Expressions;

internal enum TokenKind { Number, String, Identifier, Operator, End }

internal readonly record struct Token(TokenKind Kind, string Text, int Position, decimal Number = 0);

/// <summary>Splits an expression into numbers, 'strings', identifiers (with dots: area.phone) and operators.</summary>
internal static class Lexer
{
    private static readonly string[] Operators = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "=", "+", "-", "*", "/", "(", ")", "[", "]", ",", "!"];

    public static List<Token> Tokenize(string source)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < source.Length)
        {
            var c = source[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            var start = i;
            if (char.IsAsciiDigit(c))
            {
                while (i < source.Length && (char.IsAsciiDigit(source[i]) || source[i] == '.')) i++;
                var text = source[start..i];
                if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
                    throw new ExpressionException($"'{text}' is not a number.", start);
                tokens.Add(new Token(TokenKind.Number, text, start, n));
            }
            else if (c is '\'' or '"')
            {
                i++;
                while (i < source.Length && source[i] != c) i++;
                if (i >= source.Length) throw new ExpressionException("This string is not closed: add the closing quote.", start);
                tokens.Add(new Token(TokenKind.String, source[(start + 1)..i], start));
                i++;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                while (i < source.Length && (char.IsLetterOrDigit(source[i]) || source[i] is '_' or '.')) i++;
                tokens.Add(new Token(TokenKind.Identifier, source[start..i], start));
            }
            else if (Operators.FirstOrDefault(o => string.CompareOrdinal(source, i, o, 0, o.Length) == 0) is { } op)
            {
                i += op.Length;
                tokens.Add(new Token(TokenKind.Operator, op, start));
            }
            else
            {
                throw new ExpressionException($"Unexpected character '{c}'.", start);
            }
        }
        tokens.Add(new Token(TokenKind.End, "", source.Length));
        return tokens;
    }
}
