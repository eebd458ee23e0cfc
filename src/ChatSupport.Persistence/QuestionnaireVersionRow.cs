namespace ChatSupport.Persistence;

/// <summary>
/// One version of a questionnaire, immutable once written except for its state and publication (and the valid flag,
/// checked again when it is published): the YAML as written, its SHA-256, the
/// version it was made from, who made it and when. At most one version of a questionnaire is published (a unique
/// partial index); the running catalog is a cache over those. A draft that does not validate is kept (with its errors)
/// but is never published. Publishing an earlier version again writes a new row copying its source: history is never rewritten.
/// </summary>
public sealed class QuestionnaireVersionRow
{
    public long Id { get; set; }
    /// <summary>The owning tenant; null for a questionnaire every tenant shares (owned by administrators).</summary>
    public string? TenantId { get; set; }
    public required string QuestionnaireId { get; set; }
    /// <summary>1, 2, 3… per questionnaire (unique with it: two servers importing at once cannot both write a version).</summary>
    public int Version { get; set; }
    public required string Source { get; set; }
    /// <summary>Hex SHA-256 of the source's UTF-8 bytes.</summary>
    public required string ContentHash { get; set; }
    public int? ParentVersion { get; set; }
    /// <summary><see cref="QuestionnaireVersionStates"/>: draft, published or retired.</summary>
    public required string State { get; set; }
    public bool Valid { get; set; }
    /// <summary>The validation errors as JSON (<c>[{file, line, column, field, message}]</c>), null when valid.</summary>
    public string? Errors { get; set; }
    /// <summary>The key name (until the console's per-person accounts) or <c>seed</c> for an import of <c>dialogs/</c>.</summary>
    public required string Author { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public string? PublishedBy { get; set; }
}

public static class QuestionnaireVersionStates
{
    public const string Draft = "draft";
    public const string Published = "published";
    public const string Retired = "retired";
}
