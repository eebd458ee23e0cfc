using System.Net;
using System.Net.Sockets;

namespace ChatSupport.Web.Hosting;

/// <summary>
/// Whose share of a rate limit a request uses: its client address (the forwarded one behind a local proxy), an IPv4
/// address as it is and an IPv6 client by its /64 (one subscriber is given a whole /64, so per address they would have
/// 2^64 shares). IPv4 written as IPv6 (::ffff:a.b.c.d) counts as the IPv4 address. Shared by every anonymous endpoint's limiter.
/// </summary>
public static class ClientPartition
{
    /// <summary>Requests without an address (a Unix socket without a forwarding proxy, an in-process test server) share one.</summary>
    public const string Unknown = "unknown";

    public static string Of(HttpContext context) => Of(context.Connection.RemoteIpAddress);

    public static string Of(IPAddress? address)
    {
        if (address is null) return Unknown;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
