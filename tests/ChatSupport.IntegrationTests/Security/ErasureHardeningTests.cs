using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using ChatSupport.Persistence;
using ChatSupport.Persistence.Residents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatSupport.IntegrationTests.Security;

/// <summary>
/// Issue 13.4 and 13.6 (a–c): erasure by an administrator (the user id in the body, never in a URL) leaves nothing of
/// the resident in any column of any table, including rows that staff actions made (an acknowledged alert, its audit
/// row), and on SQLite nothing in the database file or its WAL; the embedded default's files are the owner's only.
/// </summary>
public sealed class ErasureHardeningTests
{
    private const string Conversation = "c7e1a9-erasure";
    private const string UserId = "user-" + Conversation;

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string key, object? body = null) => new(method, path)
    {
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) },
        Content = body is null ? null : JsonContent.Create(body),
    };

    [Theory]
    [InlineData("postgres", "admin")]
    [InlineData("sqlite", "admin")]
    [InlineData("postgres", "resident")]
    [InlineData("sqlite", "resident")]
    public async Task Erasure_AfterStaffAcknowledgedAnAlert_LeavesNoTraceInAnyColumn_NorInTheSqliteFiles(string provider, string by)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new WebHost(database);
        var client = host.CreateClient();
        foreach (var say in new[] { "開始", "同意する", "今日から", "無し", "52" }) await WebHost.SayAsync(client, say, Conversation);
        var pseudonym = host.Services.GetRequiredService<ResidentKeys>().Pseudonym($"webchat:{UserId}");

        // An alert about the resident, acknowledged by staff: the audit row names the alert, never the resident.
        long alertId;
        await using (var db = database.Open())
        {
            var alert = new StaffAlertRow { Key = $"escalation:{pseudonym}:call-request", ResidentId = pseudonym, QuestionnaireId = "covid19-selfcheck", Kind = "escalation", Rule = "call-request", RaisedAt = DateTimeOffset.UtcNow, WebhookStatus = "none" };
            db.StaffAlerts.Add(alert);
            await db.SaveChangesAsync();
            alertId = alert.Id;
        }
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(Authorized(HttpMethod.Post, $"/api/staff/alerts/{alertId}/acknowledge", WebHost.StaffKey))).StatusCode);
        await using (var db = database.Open())
        {
            var audit = await db.AuditLog.SingleAsync(a => a.Action == "alert-acknowledged");
            Assert.Equal(($"alert {alertId}", "desk"), (audit.Subject, audit.Actor));
            Assert.DoesNotContain(pseudonym, audit.Details ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain("call-request", audit.Details ?? "", StringComparison.Ordinal);
            // A row as acknowledgements were audited before: by pseudonym, with the rule.
            db.AuditLog.Add(new AuditRow { At = DateTimeOffset.UtcNow, Actor = "desk", Action = "alert-acknowledged", Subject = pseudonym, Details = $"alert {alertId} (call-request)" });
            await db.SaveChangesAsync();
        }

        if (by == "admin")
        {
            // The old route with the user id in the URL is gone; the id goes in the body.
            Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(Authorized(HttpMethod.Delete, $"/api/admin/residents/webchat/{UserId}", WebHost.AdminKey))).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(Authorized(HttpMethod.Post, "/api/admin/residents/erase", WebHost.AdminKey, new { channelId = "webchat" }))).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent,
                (await client.SendAsync(Authorized(HttpMethod.Post, "/api/admin/residents/erase", WebHost.AdminKey, new { channelId = "webchat", userId = UserId }))).StatusCode);
        }
        else
        {
            await WebHost.SayAsync(client, "データ削除", Conversation);
            Assert.Contains(await WebHost.SayAsync(client, "はい", Conversation), r => r.Contains("削除しました", StringComparison.Ordinal));
        }

        await using (var db = database.Open())
        {
            await DatabaseTraces.AssertNoneAsync(db, pseudonym, Conversation);
            Assert.Equal(0, await db.StaffAlerts.CountAsync());
            // The acknowledgements (by alert id; the earlier one now about nobody) and the erasure (by nobody) stay.
            Assert.Equal(3, await db.AuditLog.CountAsync());
            Assert.DoesNotContain(await db.AuditLog.Select(a => a.Details).ToListAsync(), d => d != null && d.Contains("call-request", StringComparison.Ordinal));
        }

        if (provider == "sqlite")
        {
            // secure_delete overwrote the rows, and the checkpoint after the erasure emptied the WAL.
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
            foreach (var path in new[] { file, file + "-wal" }.Where(File.Exists))
            {
                var bytes = await ReadSharedAsync(path);
                foreach (var secret in new[] { UserId, Conversation, pseudonym })
                    Assert.True(Count(bytes, Encoding.UTF8.GetBytes(secret)) == 0, $"{Path.GetFileName(path)} still holds '{secret}' {Count(bytes, Encoding.UTF8.GetBytes(secret))} times");
            }
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task TheEmbeddedDefault_KeepsItsFolder0700_AndItsFiles0600()
    {
        var root = Path.Combine(Path.GetTempPath(), "chatsupport-modes-" + Guid.NewGuid().ToString("N"));
        var folder = Path.Combine(root, "data");
        try
        {
            await using var database = await TestDatabase.CreateAsync("sqlite");
            await using var host = new WebHost(database, settings: new Dictionary<string, string>
            {
                ["ConnectionStrings:ChatSupport"] = $"Data Source={Path.Combine(folder, "chatsupport.db")}",
                ["Residents:PseudonymKey"] = "", // made once beside the database, as on a first run
            });
            var client = host.CreateClient();
            await WebHost.SayAsync(client, "開始");
            await WebHost.SayAsync(client, "同意する");

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
            // SQLite removes the WAL when its last connection closes, and the pool closes idle connections after a while
            // (on a loaded machine before this line): a reader of our own keeps it, as a running host does.
            await using var reader = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(folder, "chatsupport.db")};Pooling=False");
            await reader.OpenAsync();
            await using (var read = reader.CreateCommand())
            {
                read.CommandText = "SELECT COUNT(*) FROM sqlite_master";
                await read.ExecuteScalarAsync();
            }
            foreach (var name in new[] { "chatsupport.db", "chatsupport.db-wal", "pseudonym.key" })
            {
                var path = Path.Combine(folder, name);
                Assert.True(File.Exists(path), name + " exists");
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static int Count(byte[] haystack, byte[] needle)
    {
        var count = 0;
        for (var i = haystack.AsSpan().IndexOf(needle); i >= 0; )
        {
            count++;
            var next = haystack.AsSpan(i + 1).IndexOf(needle);
            i = next < 0 ? -1 : i + 1 + next;
        }
        return count;
    }
}
