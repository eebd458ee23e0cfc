using System.Security.Cryptography;
using System.Text;

namespace ChatSupport.Channels.Line;

/// <summary>
/// LINE signs each webhook request: <c>x-line-signature</c> is the base64 HMAC-SHA256 of the raw body with the
/// channel secret. Checked on the bytes as received (never a re-serialisation), in constant time.
/// </summary>
public static class LineSignature
{
    public static bool IsValid(ReadOnlySpan<byte> body, string? signature, string channelSecret)
    {
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(channelSecret)) return false;
        Span<byte> given = stackalloc byte[64];
        if (!Convert.TryFromBase64String(signature, given, out var length) || length != 32) return false;
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(channelSecret), body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, given[..length]);
    }

    /// <summary>The signature LINE would send (for tests and tools that play LINE).</summary>
    public static string Sign(ReadOnlySpan<byte> body, string channelSecret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(channelSecret), body));
}
