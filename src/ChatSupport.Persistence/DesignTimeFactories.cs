using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ChatSupport.Persistence;

/// <summary>For `dotnet ef migrations add`: the PostgreSQL model (no server is contacted to add a migration).</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresChatSupportDbContext>
{
    public PostgresChatSupportDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresChatSupportDbContext>().UseNpgsql("Host=localhost;Database=chatsupport").Options);
}

/// <summary>For `dotnet ef migrations add`: the SQLite model.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteChatSupportDbContext>
{
    public SqliteChatSupportDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteChatSupportDbContext>().UseSqlite("Data Source=chatsupport.db").Options);
}
