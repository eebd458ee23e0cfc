using NJsonSchema;
using YamlDotNet.Serialization;

namespace ChatSupport.UnitTests.Questionnaires;

/// <summary>The shipped JSON Schema (dialogs/questionnaire.schema.json) stays true to the format: shipped files pass, broken ones fail.</summary>
public sealed class SchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromFileAsync(Path.Combine(RepoPaths.Dialogs, "questionnaire.schema.json")).GetAwaiter().GetResult());

    private static string YamlToJson(string yaml)
    {
        var data = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build().Deserialize(new StringReader(yaml));
        return new SerializerBuilder().JsonCompatible().Build().Serialize(data!);
    }

    public static TheoryData<string> ShippedFiles() => [.. Directory.GetFiles(RepoPaths.Dialogs, "*.yaml").Select(f => Path.GetFileName(f)).Order()];

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public void ShippedQuestionnaire_IsValidAgainstTheSchema(string file)
    {
        var errors = Schema.Value.Validate(YamlToJson(File.ReadAllText(Path.Combine(RepoPaths.Dialogs, file))));
        Assert.True(errors.Count == 0, string.Join('\n', errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Theory]
    [InlineData("unknown-type.yaml")]
    [InlineData("typo-field.yaml")]
    [InlineData("options-on-number.yaml")]
    [InlineData("no-ja.yaml")]
    public void BrokenQuestionnaire_IsRejectedByTheSchemaToo(string file)
    {
        var yaml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "BrokenQuestionnaires", file));
        Assert.NotEmpty(Schema.Value.Validate(YamlToJson(yaml)));
    }
}
