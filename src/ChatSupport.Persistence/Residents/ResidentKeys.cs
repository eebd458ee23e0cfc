using System.Security.Cryptography;
using System.Text;

namespace ChatSupport.Persistence.Residents;

/// <summary>
/// Pseudonymous resident ids: HMAC-SHA256 of the engine's resident id (<c>channel:userId</c>) under a configured
/// key, as 64 hex digits. The same resident always gets the same id; without the key it cannot be traced back.
/// </summary>
public sealed class ResidentKeys(byte[] key)
{
    public static ResidentKeys FromSecret(string secret)
    {
        if (string.IsNullOrEmpty(secret) || Encoding.UTF8.GetByteCount(secret) < 32)
            throw new ArgumentException("The pseudonymisation key must be at least 32 bytes.", nameof(secret));
        return new ResidentKeys(Encoding.UTF8.GetBytes(secret));
    }

    public string Pseudonym(string residentId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(residentId)));

    /// <summary>A LINE resident's tenant: LINE user ids are kept as <c>tenant:U…</c>; null on other channels.</summary>
    public static string? TenantOf(string channel, string user) =>
        channel == "line" && user.IndexOf(':', StringComparison.Ordinal) is > 0 and var i ? user[..i] : null;

    /// <summary>The channel and the channel's user id of an engine resident id (<c>channel:userId</c>).</summary>
    public static (string Channel, string UserId) Split(string residentId)
    {
        var colon = residentId.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? ("", residentId) : (residentId[..colon], residentId[(colon + 1)..]);
    }
}
