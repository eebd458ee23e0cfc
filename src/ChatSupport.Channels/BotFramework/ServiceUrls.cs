using System.Net;
using System.Net.NetworkInformation;

namespace ChatSupport.Channels.BotFramework;

/// <summary>
/// Where replies to an activity may be posted. An activity's <c>serviceUrl</c> comes from the caller, so it is parsed,
/// never pasted into a string: no user info, query or fragment; with no app id (nobody authenticated the caller) only
/// an address on <c>BotFramework:AllowedServiceUrls</c> is taken; with one, only https; and never one of this host's
/// own listening addresses (a reply to itself would make it answer itself without end).
/// </summary>
public static class ServiceUrls
{
    /// <summary>The service's base address, or why replies cannot go there.</summary>
    public static (Uri? Service, string? Problem) Check(string? serviceUrl, BotFrameworkOptions options, IEnumerable<string> ownAddresses)
    {
        if (Parse(serviceUrl) is not { } service) return (null, "serviceUrl is not an http(s) URL without user info, query or fragment.");
        if (!options.RequiresToken && !options.AllowedServiceUrls.Any(allowed => Parse(allowed) is { } a && SameService(a, service)))
            return (null, "Without BotFramework:MicrosoftAppId, replies are sent only to addresses listed in BotFramework:AllowedServiceUrls; "
                + "use deliveryMode expectReplies, or list the Emulator's address there.");
        if (options.RequiresToken && service.Scheme != Uri.UriSchemeHttps) return (null, "serviceUrl must be https.");
        if (IsOwnAddress(service, ownAddresses)) return (null, "serviceUrl is this host's own address.");
        return (service, null);
    }

    /// <summary>
    /// <c>{service}/v3/conversations/{conversationId}/activities[/{replyToId}]</c>, the ids escaped as path segments
    /// and joined to the service's path by a URI builder.
    /// </summary>
    public static Uri ReplyUri(Uri service, string conversationId, string? replyToId)
    {
        IEnumerable<string> segments = ["v3", "conversations", conversationId, "activities"];
        if (replyToId is { Length: > 0 }) segments = segments.Append(replyToId);
        var path = service.AbsolutePath.TrimEnd('/') + "/" + string.Join('/', segments.Select(Uri.EscapeDataString));
        return new UriBuilder(service.Scheme, service.Host, service.Port) { Path = path }.Uri;
    }

    /// <summary>An absolute http(s) URI with none of the parts a base address must not have; '#', '?' and '@' are refused even when empty.</summary>
    public static Uri? Parse(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.IndexOfAny(['#', '?', '@', '\\']) >= 0) return null;
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return null;
        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.Host.Length == 0) return null;
        return uri;
    }

    /// <summary>
    /// Scheme, host and port as .NET normalises them (<c>127.1</c>, <c>0x7f000001</c> and <c>2130706433</c> are all
    /// 127.0.0.1), and a path at or under the allowed one.
    /// </summary>
    private static bool SameService(Uri allowed, Uri service)
    {
        if (allowed.Scheme != service.Scheme || allowed.Port != service.Port) return false;
        if (!string.Equals(Canonical(allowed), Canonical(service), StringComparison.OrdinalIgnoreCase)) return false;
        var root = allowed.AbsolutePath.TrimEnd('/');
        var path = service.AbsolutePath.TrimEnd('/');
        return path == root || path.StartsWith(root + "/", StringComparison.Ordinal);
    }

    /// <summary>The host, with IPv4-mapped IPv6 addresses written as IPv4, so that one address has one spelling.</summary>
    private static string Canonical(Uri uri) =>
        IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4().ToString() : uri.Host;

    /// <summary>
    /// Whether the URI names a port this host listens on, at an address that reaches it: its listening host, a loopback
    /// address, <c>localhost</c>, or (when it listens on every interface) any address of this machine.
    /// </summary>
    public static bool IsOwnAddress(Uri service, IEnumerable<string> ownAddresses)
    {
        var host = Canonical(service);
        IPAddress? ip = IPAddress.TryParse(host.Trim('[', ']'), out var parsed) ? parsed : null;
        var local = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (ip is not null && (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)));
        foreach (var address in ownAddresses)
        {
            // Kestrel reports "http://[::]:5080", "http://0.0.0.0:5080", "http://localhost:5080" or "http://+:5080".
            var normalised = address.Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal);
            if (!Uri.TryCreate(normalised, UriKind.Absolute, out var own) || own.Port != service.Port) continue;
            if (local || string.Equals(Canonical(own), host, StringComparison.OrdinalIgnoreCase)) return true;
            var everywhere = IPAddress.TryParse(own.Host.Trim('[', ']'), out var ownIp) && (ownIp.Equals(IPAddress.Any) || ownIp.Equals(IPAddress.IPv6Any));
            if (everywhere && ip is not null && MachineAddresses().Any(a => a.Equals(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip))) return true;
        }
        return false;
    }

    private static IEnumerable<IPAddress> MachineAddresses()
    {
        try
        {
            return [.. NetworkInterface.GetAllNetworkInterfaces().SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)];
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }
}
