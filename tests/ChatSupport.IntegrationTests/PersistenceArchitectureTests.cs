using ChatSupport.Persistence;

namespace ChatSupport.IntegrationTests;

public sealed class PersistenceArchitectureTests
{
    [Fact]
    public void Persistence_ReferencesCoreAndEfCore_NotTheWebJobsOrChannels()
    {
        var references = typeof(ChatSupportDbContext).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("ChatSupport.Core", references);
        Assert.Contains(references, r => r.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            || r.StartsWith("Hangfire", StringComparison.Ordinal) || r == "ChatSupport.Channels" || r == "ChatSupport.Web");
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task Migrations_CreateEveryTable_AndNoChangeIsPending(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.Open();
        Assert.Empty(await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetPendingMigrationsAsync(db.Database));
        Assert.False(Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.HasPendingModelChanges(db.Database),
            "The model changed without a migration: run dotnet ef migrations add for both providers (see README).");
        Assert.Equal(0, await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Residents));
        Assert.Equal(0, await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Responses));
        Assert.Equal(0, await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Answers));
        Assert.Equal(0, await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.AuditLog));
        Assert.Equal(0, await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.StateDocuments));
    }
}
