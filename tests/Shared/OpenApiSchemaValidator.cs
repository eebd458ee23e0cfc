using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ChatSupport.Tests.Line;

/// <summary>One place where a JSON value breaks a schema. <see cref="Path"/> is JSONPath-like: <c>$.messages[0].text</c>.</summary>
public sealed record SchemaViolation(string Path, string Message, string Schema, string Keyword)
{
    public override string ToString() => $"{Path}: {Message} (schema {Schema}: {Keyword})";
}

/// <summary>
/// Checks JSON values against the schemas of an OpenAPI 3.0 document, with just the keywords LINE's specs use:
/// $ref, allOf, oneOf/anyOf, discriminator, type, nullable, required, properties, items, enum,
/// min/maxLength, min/maxItems, minimum/maximum, pattern and format uri.
/// additionalProperties is ignored on purpose: LINE adds fields to its payloads without notice.
/// </summary>
public sealed class OpenApiSchemaValidator
{
    private const string RefPrefix = "#/components/schemas/";
    private readonly JsonObject _schemas;

    private OpenApiSchemaValidator(JsonObject schemas) => _schemas = schemas;

    public static OpenApiSchemaValidator Load(string yamlPath)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(yamlPath)) stream.Load(reader);
        var document = stream.Documents.Count > 0 ? ToJson(stream.Documents[0].RootNode) : null;
        return document?["components"]?["schemas"] is JsonObject schemas
            ? new OpenApiSchemaValidator(schemas)
            : throw new InvalidDataException($"{yamlPath} has no components/schemas.");
    }

    /// <summary>Errors like <c>$.messages[0].quickReply.items: 14 items, more than 13 (schema QuickReply: maxItems 13)</c>; empty = valid.</summary>
    public IReadOnlyList<string> Validate(string schemaName, JsonNode? instance) =>
        [.. Violations(schemaName, instance).Select(v => v.ToString())];

    public IReadOnlyList<SchemaViolation> Violations(string schemaName, JsonNode? instance)
    {
        var errors = new List<SchemaViolation>();
        Check(schemaName, Named(schemaName), instance, "$", [], viaAllOf: false, errors);
        return [.. errors.Distinct()];
    }

    private JsonObject Named(string name) =>
        _schemas[name] as JsonObject ?? throw new ArgumentException($"The spec has no schema named '{name}'.", nameof(name));

    /// <param name="name">The components/schemas entry the keywords belong to (inline sub-schemas report their owner's name).</param>
    /// <param name="active">
    /// Schemas already being applied to this very value. A base schema with a discriminator (Message) sends the value on to
    /// its subtype (TextMessage), whose allOf refers back to the base: the base is skipped there, having been applied already.
    /// </param>
    /// <param name="viaAllOf">Reached as an allOf part of a subtype: the subtype is already chosen, so no discriminator.</param>
    private void Check(string name, JsonObject schema, JsonNode? value, string path, HashSet<JsonObject> active, bool viaAllOf, List<SchemaViolation> errors)
    {
        if (Text(schema, "$ref") is { } reference)
        {
            // In OpenAPI 3.0 the siblings of $ref are ignored.
            var target = reference.StartsWith(RefPrefix, StringComparison.Ordinal)
                ? reference[RefPrefix.Length..]
                : throw new NotSupportedException($"Only {RefPrefix}* references are supported, not {reference}.");
            Check(target, Named(target), value, path, active, viaAllOf, errors);
            return;
        }
        if (!active.Add(schema)) return;
        try
        {
            void Fail(string message, string keyword) => errors.Add(new SchemaViolation(path, message, name, keyword));

            if (value is null && Text(schema, "nullable") == "true") return;
            if (Text(schema, "type") is { } type && !HasType(value, type))
            {
                Fail($"expected {type}, got {KindOf(value)}", $"type {type}");
                return; // the other keywords would only repeat the mismatch
            }
            if (schema["enum"] is JsonArray allowed && value is JsonValue scalar && !allowed.Any(a => EnumEquals(a, scalar)))
                Fail($"{value.ToJsonString()} is not one of {string.Join(", ", allowed.Select(a => a?.ToString()))}", "enum");

            switch (value)
            {
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    CheckString(schema, v.GetValue<string>(), Fail);
                    break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                    var number = NumberOf(v);
                    if (Number(schema, "minimum") is { } min && number < min) Fail($"{number} is less than {min}", $"minimum {min}");
                    if (Number(schema, "maximum") is { } max && number > max) Fail($"{number} is more than {max}", $"maximum {max}");
                    break;
                case JsonArray array:
                    if (Number(schema, "minItems") is { } minItems && array.Count < minItems) Fail($"{array.Count} items, fewer than {minItems}", $"minItems {minItems}");
                    if (Number(schema, "maxItems") is { } maxItems && array.Count > maxItems) Fail($"{array.Count} items, more than {maxItems}", $"maxItems {maxItems}");
                    if (schema["items"] is JsonObject items)
                        for (var i = 0; i < array.Count; i++)
                            Check(name, items, array[i], $"{path}[{i}]", [], viaAllOf: false, errors);
                    break;
                case JsonObject obj:
                    foreach (var required in (schema["required"] as JsonArray ?? []).Select(r => r?.ToString()).OfType<string>())
                        if (!obj.ContainsKey(required))
                            errors.Add(new SchemaViolation(Child(path, required), "required property is missing", name, "required"));
                    if (schema["properties"] is JsonObject properties)
                        foreach (var (property, propertySchema) in properties)
                            if (propertySchema is JsonObject ps && obj.TryGetPropertyValue(property, out var propertyValue))
                                Check(name, ps, propertyValue, Child(path, property), [], viaAllOf: false, errors);
                    break;
            }

            foreach (var part in (schema["allOf"] as JsonArray ?? []).OfType<JsonObject>())
                Check(name, part, value, path, active, viaAllOf: true, errors);
            CheckAlternatives("oneOf", name, schema, value, path, active, errors);
            CheckAlternatives("anyOf", name, schema, value, path, active, errors);
            if (!viaAllOf) CheckDiscriminator(name, schema, value, path, active, errors);
        }
        finally
        {
            active.Remove(schema);
        }
    }

    private static void CheckString(JsonObject schema, string text, Action<string, string> fail)
    {
        // Lengths count UTF-16 code units, as string.Length does. LINE documents its limits in "characters"; an emoji
        // outside the BMP is one character to LINE but two units here, so this check is stricter than LINE for such text.
        if (Number(schema, "minLength") is { } min && text.Length < min) fail($"length {text.Length}, shorter than {min}", $"minLength {min}");
        if (Number(schema, "maxLength") is { } max && text.Length > max) fail($"length {text.Length}, longer than {max}", $"maxLength {max}");
        if (Text(schema, "pattern") is { } pattern && !Regex.IsMatch(text, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
            fail($"'{Shorten(text)}' does not match {pattern}", $"pattern {pattern}");
        if (Text(schema, "format") == "uri" && !(Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
            fail($"'{Shorten(text)}' is not an absolute http(s) URI", "format uri");
    }

    private void CheckAlternatives(string keyword, string name, JsonObject schema, JsonNode? value, string path, HashSet<JsonObject> active, List<SchemaViolation> errors)
    {
        if (schema[keyword] is not JsonArray alternatives || alternatives.Count == 0) return;
        var failures = new List<string>();
        foreach (var alternative in alternatives.OfType<JsonObject>())
        {
            var branch = new List<SchemaViolation>();
            Check(name, alternative, value, path, active, viaAllOf: false, branch);
            if (branch.Count == 0) return;
            failures.Add(string.Join("; ", branch.Select(b => b.ToString())));
        }
        errors.Add(new SchemaViolation(path, $"matches none of the {failures.Count} alternatives: [{string.Join("] [", failures)}]", name, keyword));
    }

    private void CheckDiscriminator(string name, JsonObject schema, JsonNode? value, string path, HashSet<JsonObject> active, List<SchemaViolation> errors)
    {
        if (schema["discriminator"] is not JsonObject discriminator || Text(discriminator, "propertyName") is not { } property) return;
        // A missing or non-string property is reported by required/type, if the schema asks for them.
        if (value is not JsonObject obj || obj[property] is not JsonValue tag || tag.GetValueKind() != JsonValueKind.String) return;
        var mapping = discriminator["mapping"] as JsonObject ?? new JsonObject();
        var tagText = tag.GetValue<string>();
        // No implicit mapping by schema name: LINE's specs map every value explicitly and LINE rejects other values.
        if (Text(mapping, tagText) is not { } reference)
        {
            errors.Add(new SchemaViolation(Child(path, property), $"unknown {property} '{tagText}', expected one of {string.Join(", ", mapping.Select(m => m.Key))}", name, $"discriminator {property}"));
            return;
        }
        // A mapping value is a reference or, as OpenAPI also allows, a bare schema name.
        var target = reference.StartsWith('#') ? reference : RefPrefix + reference;
        Check(name, new JsonObject { ["$ref"] = target }, value, path, active, viaAllOf: false, errors);
    }

    private static bool HasType(JsonNode? value, string type) => type switch
    {
        "object" => value is JsonObject,
        "array" => value is JsonArray,
        "string" => value?.GetValueKind() == JsonValueKind.String,
        "boolean" => value?.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        "number" => value?.GetValueKind() == JsonValueKind.Number,
        "integer" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && NumberOf(v) % 1 == 0,
        _ => throw new NotSupportedException($"Unknown type '{type}' in the spec."),
    };

    private static string KindOf(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        var kind => kind.ToString()!.ToLowerInvariant(),
    };

    private static bool EnumEquals(JsonNode? allowed, JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => allowed?.ToString() == value.GetValue<string>(),
        JsonValueKind.Number => decimal.TryParse(allowed?.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == NumberOf(value),
        var kind => string.Equals(allowed?.ToString(), kind == JsonValueKind.Null ? "null" : value.ToJsonString(), StringComparison.OrdinalIgnoreCase),
    };

    private static decimal NumberOf(JsonValue value) =>
        decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
        : (decimal)Math.Clamp(double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture), (double)decimal.MinValue, (double)decimal.MaxValue);

    // YAML scalars are loaded as strings; keywords that need numbers or booleans parse them here.
    private static string? Text(JsonObject schema, string keyword) => schema[keyword] is JsonValue v ? v.ToString() : null;

    private static decimal? Number(JsonObject schema, string keyword) =>
        decimal.TryParse(Text(schema, keyword), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    private static string Child(string path, string property) =>
        Regex.IsMatch(property, "^[A-Za-z_$][A-Za-z0-9_$]*$") ? $"{path}.{property}" : $"{path}['{property.Replace("'", "\\'")}']";

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private static JsonNode ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", (JsonNode?)ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => throw new InvalidDataException($"Unsupported YAML node {node.NodeType} at {node.Start}."),
    };
}

/// <summary>LINE's OpenAPI specs, kept in the repository in tests/Shared/specs/line (Apache-2.0, with their LICENSE).</summary>
public static class LineSpecs
{
    private static readonly Lazy<string> LazyFolder = new(FindFolder);
    private static readonly Lazy<OpenApiSchemaValidator> LazyMessagingApi = new(() => OpenApiSchemaValidator.Load(Path.Combine(Folder, "messaging-api.yml")));
    private static readonly Lazy<OpenApiSchemaValidator> LazyWebhook = new(() => OpenApiSchemaValidator.Load(Path.Combine(Folder, "webhook.yml")));

    /// <summary><c>&lt;repository root&gt;/tests/Shared/specs/line</c>, where the root is the folder holding ChatSupport.sln.</summary>
    public static string Folder => LazyFolder.Value;

    public static OpenApiSchemaValidator MessagingApi => LazyMessagingApi.Value;

    public static OpenApiSchemaValidator Webhook => LazyWebhook.Value;

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "ChatSupport.sln"))) continue;
            var folder = Path.GetFullPath(Path.Combine(dir.FullName, "tests", "Shared", "specs", "line"));
            return File.Exists(Path.Combine(folder, "messaging-api.yml")) && File.Exists(Path.Combine(folder, "webhook.yml"))
                ? folder
                : throw new DirectoryNotFoundException($"LINE's OpenAPI specs (messaging-api.yml, webhook.yml) are expected in {folder}.");
        }
        throw new DirectoryNotFoundException($"ChatSupport.sln not found above {AppContext.BaseDirectory}, so the LINE specs folder cannot be located.");
    }
}
