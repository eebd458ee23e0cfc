using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace ChatSupport.Tests.Line;

/// <summary>The webhook bodies under WebhookExamples are what LINE sends, per webhook.yml.</summary>
public sealed class WebhookExamplesTests
{
    private const string UnknownFields = "unknown-fields.json";
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Line", "WebhookExamples");

    public static TheoryData<string> SpecExamples =>
        [.. Directory.GetFiles(Folder, "*.json").Select(Path.GetFileName).OfType<string>().Where(f => f != UnknownFields).Order()];

    [Theory]
    [MemberData(nameof(SpecExamples))]
    public void Example_MatchesCallbackRequest(string file)
    {
        var errors = LineSpecs.Webhook.Validate("CallbackRequest", Read(file));

        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void UnknownFieldsExample_FailsOnlyOnTheUnknownEventType()
    {
        var error = Assert.Single(LineSpecs.Webhook.Validate("CallbackRequest", Read(UnknownFields)));

        Assert.StartsWith("$.events[1].type: unknown type 'somethingNew'", error);
        Assert.EndsWith("(schema Event: discriminator type)", error);
    }

    [Theory]
    [InlineData("Event")]
    [InlineData("MessageContent")]
    [InlineData("Source")]
    public void Examples_CoverEveryTypeTheSpecMaps(string schema)
    {
        var seen = AllEvents().Select(e => schema switch
        {
            "Event" => e["type"],
            "MessageContent" => e["message"]?["type"],
            _ => e["source"]?["type"],
        }).Select(t => t?.ToString()).OfType<string>().ToHashSet();

        Assert.Empty(MappedTypes(schema).Except(seen));
    }

    [Fact]
    public void Examples_ShowBothModesRedeliveryAndEmptyEvents()
    {
        var events = AllEvents().ToList();

        Assert.Contains(events, e => e["mode"]?.ToString() == "standby");
        Assert.Contains(events, e => e["deliveryContext"]?["isRedelivery"]?.GetValue<bool>() == true);
        Assert.Contains(events, e => e["type"]?.ToString() == "follow" && e["follow"]?["isUnblocked"] is not null);
        Assert.Empty(Read("verification.json")!["events"]!.AsArray());
        var users = Read("several-users.json")!["events"]!.AsArray().Select(e => e!["source"]!["userId"]!.ToString()).Distinct();
        Assert.Equal(2, users.Count());
    }

    private static JsonNode? Read(string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, file)));

    private static IEnumerable<JsonNode> AllEvents() =>
        Directory.GetFiles(Folder, "*.json").SelectMany(f => Read(Path.GetFileName(f))!["events"]!.AsArray()).OfType<JsonNode>();

    private static IEnumerable<string> MappedTypes(string schema)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(Path.Combine(LineSpecs.Folder, "webhook.yml"))) yaml.Load(reader);
        var node = yaml.Documents[0].RootNode["components"]["schemas"][schema]["discriminator"]["mapping"];
        return ((YamlMappingNode)node).Children.Keys.Select(k => ((YamlScalarNode)k).Value!);
    }
}
