using ChatSupport.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.IntegrationTests;

/// <summary>Reads every text column of every row of every table in the model, for what must be gone (an erased resident, an expired preview).</summary>
internal static class DatabaseTraces
{
    /// <summary>Fails naming the table, column and value of the first text column that still contains one of <paramref name="traces"/>.</summary>
    public static async Task AssertNoneAsync(ChatSupportDbContext db, params string[] traces)
    {
        foreach (var entity in db.Model.GetEntityTypes())
        {
            var set = typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!.MakeGenericMethod(entity.ClrType).Invoke(db, null)!;
            await foreach (var row in (IAsyncEnumerable<object>)set)
                foreach (var property in entity.GetProperties().Where(p => p.ClrType == typeof(string)))
                {
                    var value = (string?)property.GetGetter().GetClrValue(row);
                    Assert.False(value is not null && traces.Any(t => value.Contains(t, StringComparison.Ordinal)),
                        $"{entity.GetTableName()}.{property.GetColumnName()} still holds '{value}'");
                }
        }
    }
}
