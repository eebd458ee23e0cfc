using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ChatSupport.Activities;
using ChatSupport.Channels.Line;
using ChatSupport.Persistence;
using ChatSupport.Persistence.Residents;
using ChatSupport.Questionnaires;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ChatSupport.Tenants;

namespace ChatSupport.Web.Questionnaires;

/// <summary>
/// Staff's previews of a questionnaire version (issue 14): <see cref="CreateAsync"/> makes a link valid
/// <see cref="Lifetime"/> (only the SHA-256 of its token is stored) and a 4-digit code; <see cref="For"/> gives a turn
/// the <see cref="IQuestionnairePreviews"/> that opens them, on the turn's own transaction. A code opens only for a LINE
/// account on its tenant's allow-list (<c>Tenants:{id}:Line:PreviewUsers</c>); five codes that open nothing in ten
/// minutes refuse the sender for ten minutes. Creating one is audited (who, which version, when), never its token or code.
/// </summary>
public sealed class QuestionnairePreviews(IDbContextFactory<ChatSupportDbContext> contexts, QuestionnaireLibrary library, ResidentKeys keys,
    IOptionsMonitor<TenantsOptions> tenants, IOptions<Hosting.NodeOptions> host, TimeProvider clock, ILogger<QuestionnairePreviews> logger)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    public const int MaxWrongCodes = 5;
    public static readonly TimeSpan WrongCodeWindow = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<(string Id, int Version), QuestionnaireDefinition?> _definitions = new();

    private DateTimeOffset Now => clock.GetUtcNow();

    private string Sender(string channel, string fromId) => keys.Pseudonym($"{channel}:{fromId}");

    public sealed record Created(string Url, string Code, DateTimeOffset ExpiresAt);

    /// <summary>A preview of <paramref name="row"/> (which validates) for <paramref name="tenant"/>'s allow-listed accounts (null: every tenant's).</summary>
    public async Task<Created> CreateAsync(QuestionnaireVersionRow row, string? tenant, string actor, CancellationToken ct)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var taken = (await db.Set<PreviewRow>().AsNoTracking().Where(p => p.ExpiresAt > now).Select(p => p.Code).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        if (taken.Count >= 9000) throw new InvalidOperationException("Too many previews are open at once to give a new one a unique code.");
        string code;
        do code = RandomNumberGenerator.GetInt32(0, 10000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
        while (taken.Contains(code));
        var preview = new PreviewRow
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), TenantId = tenant, QuestionnaireId = row.QuestionnaireId, Version = row.Version,
            TokenHash = Hash(token), Code = code, CreatedBy = actor.Length > 64 ? actor[..64] : actor, CreatedAt = now, ExpiresAt = now + Lifetime,
        };
        db.Add(preview);
        db.Audit(clock, preview.CreatedBy, "questionnaire-preview", $"{row.QuestionnaireId}@v{row.Version}",
            $"preview of a {row.State} version until {preview.ExpiresAt:yyyy-MM-ddTHH:mm:ssZ}");
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Preview of {Questionnaire}@v{Version} made by {Actor}, valid until {ExpiresAt}", row.QuestionnaireId, row.Version, preview.CreatedBy, preview.ExpiresAt);
        return new Created(Link(token), code, preview.ExpiresAt);
    }

    /// <summary>
    /// The chat page on the preview: under <c>ChatSupport:PublicBaseUrl</c> when configured (never the request's Host
    /// header, which a client chooses), else relative to this server. The token is in the fragment, which browsers
    /// never send to a server (nor in a Referer).
    /// </summary>
    public string Link(string token) =>
        (host.Value.PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : "") + "/#preview=" + token;

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The previews a turn on <paramref name="db"/> (in its transaction) can open and continue.</summary>
    public IQuestionnairePreviews For(ChatSupportDbContext db) => new Turn(this, db);

    /// <summary>A version's definition as it would run (beside the published questionnaires); versions never change, so it is kept.</summary>
    private async Task<QuestionnaireDefinition?> DefinitionAsync(ChatSupportDbContext db, PreviewRow preview, CancellationToken ct)
    {
        var key = (preview.QuestionnaireId, preview.Version);
        if (_definitions.TryGetValue(key, out var known)) return known;
        var source = await db.QuestionnaireVersions.AsNoTracking().Where(v => v.QuestionnaireId == key.QuestionnaireId && v.Version == key.Version)
            .Select(v => v.Source).FirstOrDefaultAsync(ct);
        return _definitions.GetOrAdd(key, source is null ? null : library.Candidate(key.QuestionnaireId, key.Version, source).Catalog?.Find(key.QuestionnaireId));
    }

    /// <summary>Whether the LINE sender <paramref name="fromId"/> (<c>tenant:userId</c>) is on the tenant's allow-list.</summary>
    private (bool Allowed, string? Tenant) AllowList(string? channel, string fromId)
    {
        if (channel != LineActivityMapper.ChannelId || ResidentKeys.TenantOf(channel, fromId) is not { } tenant) return (false, null);
        var user = fromId[(tenant.Length + 1)..];
        var allowed = tenants.CurrentValue.TryGetValue(tenant, out var options) && options.Line?.PreviewUsers is { } list && list.Contains(user, StringComparer.Ordinal);
        return (allowed, tenant);
    }

    private sealed class Turn(QuestionnairePreviews owner, ChatSupportDbContext db) : IQuestionnairePreviews
    {
        public async ValueTask<PreviewSession?> OpenAsync(PreviewRequest request, Activity activity, CancellationToken ct)
        {
            var now = owner.Now;
            PreviewRow? preview;
            if (request.Token is { } token)
            {
                var hash = Hash(token);
                preview = await db.Set<PreviewRow>().AsNoTracking().FirstOrDefaultAsync(p => p.TokenHash == hash && p.ExpiresAt > now, ct);
            }
            else
            {
                var fromId = activity.From?.Id ?? "";
                var sender = owner.Sender(activity.ChannelId ?? "", fromId);
                var since = now - WrongCodeWindow;
                var refused = await db.Set<PreviewAttemptRow>().CountAsync(a => a.Sender == sender && a.At > since, ct) >= MaxWrongCodes;
                var (allowed, tenant) = owner.AllowList(activity.ChannelId, fromId);
                preview = refused || !allowed ? null
                    : await db.Set<PreviewRow>().AsNoTracking().FirstOrDefaultAsync(p => p.Code == request.Code && p.ExpiresAt > now && (p.TenantId == null || p.TenantId == tenant), ct);
                if (preview is null)
                {
                    db.Add(new PreviewAttemptRow { Sender = sender, At = now });
                    await db.SaveChangesAsync(ct);
                    return null;
                }
            }
            if (preview is null || await owner.DefinitionAsync(db, preview, ct) is not { } definition) return null;
            var stateKey = $"{activity.ChannelId}/conversations/{activity.Conversation?.Id}";
            if (!await db.Set<PreviewConversationRow>().AnyAsync(c => c.PreviewId == preview.Id && c.StateKey == stateKey, ct))
            {
                db.Add(new PreviewConversationRow { PreviewId = preview.Id, StateKey = stateKey, ExpiresAt = preview.ExpiresAt });
                await db.SaveChangesAsync(ct);
            }
            return new PreviewSession(preview.Id, definition, preview.Version, preview.ExpiresAt);
        }

        public async ValueTask<PreviewSession?> FindAsync(string previewId, CancellationToken ct)
        {
            var now = owner.Now;
            var preview = await db.Set<PreviewRow>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == previewId && p.ExpiresAt > now, ct);
            return preview is not null && await owner.DefinitionAsync(db, preview, ct) is { } definition ? new PreviewSession(preview.Id, definition, preview.Version, preview.ExpiresAt) : null;
        }
    }
}
