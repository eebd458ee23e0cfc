using ChatSupport.IntegrationTests.Security;
using ChatSupport.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.IntegrationTests.Audit;

/// <summary>Issue 15: the one audit writer, on both databases: texts cut to the columns, a nameless actor named, saved with the change.</summary>
public sealed class AuditTrailTests
{
    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task Rows_AreCutToTheColumns_AndANamelessActorIsUnknown(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new TestClock(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.FromHours(9)));
        await using (var db = database.Open())
        {
            db.Audit(clock, new string('あ', 70), "questionnaire-publish", "q@v1" + new string('x', 80), "details may be long: " + new string('y', 300));
            db.Audit(clock, "  ", "alert-acknowledged", "alert 7");
            db.Audit(clock, null, "erasure", subject: "");
            await db.SaveChangesAsync();
        }
        await using var check = database.Open();
        var rows = await check.AuditLog.AsNoTracking().OrderBy(a => a.Id).ToListAsync();
        Assert.Equal([(new string('あ', 64), "q@v1" + new string('x', 60), 321), ("unknown", "alert 7", 0), ("unknown", null!, 0)],
            rows.Select(r => (r.Actor, r.Subject, r.Details?.Length ?? 0)));
        Assert.All(rows, r => Assert.Equal(clock.GetUtcNow(), r.At));
        Assert.Throws<ArgumentException>(() => check.Audit(clock, "ops", " "));
    }
}
