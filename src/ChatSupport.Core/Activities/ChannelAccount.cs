using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatSupport.Activities;

/// <summary>A user or bot on a channel (<c>from</c>, <c>recipient</c>, <c>membersAdded</c>).</summary>
public sealed record ChannelAccount(string Id, string? Name = null)
{
    public string? Role { get; init; }
    public string? AadObjectId { get; init; }

    /// <summary>Fields this type does not model (channel-specific ones), kept on a round trip.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Properties { get; init; }
}

/// <summary>The conversation an activity belongs to.</summary>
public sealed record ConversationAccount(string Id, string? Name = null)
{
    public bool? IsGroup { get; init; }
    public string? ConversationType { get; init; }
    public string? TenantId { get; init; }
    public string? Role { get; init; }
    public string? AadObjectId { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Properties { get; init; }
}
