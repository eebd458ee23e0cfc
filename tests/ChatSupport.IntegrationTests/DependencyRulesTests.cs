using System.Data.Common;
using System.Reflection;
using System.Reflection.Emit;
using System.Text.RegularExpressions;
using ChatSupport.Persistence;

namespace ChatSupport.IntegrationTests;

/// <summary>
/// The dependency rules of ARCHITECTURE.md read from the compiled assemblies' references: Core, Channels and the CLI in
/// the unit tests (ArchitectureTests), Persistence in <see cref="PersistenceArchitectureTests"/>, Web here. And the rule that makes Persistence the home of SQL: no method of Web sends SQL itself
/// (ADO.NET commands, Dapper, EF's raw SQL, Persistence's plain-SQL helpers) or holds an SQL statement as a string;
/// Web asks a store.
/// </summary>
public sealed partial class DependencyRulesTests
{
    private static readonly Assembly Web = typeof(Program).Assembly;

    private static List<string> Ours(Assembly a) =>
        [.. a.GetReferencedAssemblies().Select(r => r.Name!).Where(r => r.StartsWith("ChatSupport.", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    [Fact]
    public void Web_IsTheHost_ThatReferencesEveryProjectButTheCli()
    {
        Assert.Equal(["ChatSupport.Channels", "ChatSupport.Core", "ChatSupport.Persistence"], Ours(Web));
    }

    /// <summary>
    /// Web's PostgreSQL notification of a published questionnaire (LISTEN / pg_notify) predates the stores; it is the
    /// only SQL left in Web, named here so that nothing else joins it unnoticed.
    /// </summary>
    private static readonly HashSet<string> SqlStillInWeb = new(StringComparer.Ordinal)
    {
        "ChatSupport.Web.Questionnaires.QuestionnairePublishing",
        "ChatSupport.Web.Questionnaires.QuestionnaireChangeListener",
    };

    [Fact]
    public void Web_SendsNoSqlOfItsOwn()
    {
        var found = SqlUses(Web).Where(u => !SqlStillInWeb.Contains(u.Owner)).Select(u => $"{u.Owner}: {u.What}").Distinct().ToList();
        Assert.True(found.Count == 0, "SQL in Web (move it into a store in Persistence):\n" + string.Join("\n", found));
    }

    [Fact]
    public void TheSqlRule_FindsEachKindOfSql()
    {
        var found = SqlUses(typeof(DependencyRulesTests).Assembly).Where(u => u.Owner == typeof(SqlInTheWrongPlace).FullName).Select(u => u.What).ToList();
        Assert.Contains(found, w => w.Contains("CommandText", StringComparison.Ordinal));
        Assert.Contains(found, w => w.Contains("Dapper", StringComparison.Ordinal));
        Assert.Contains(found, w => w.Contains("ExecuteSqlRaw", StringComparison.Ordinal));
        Assert.Contains(found, w => w.Contains("PlainSql", StringComparison.Ordinal));
        Assert.Contains(found, w => w.StartsWith("\"DELETE FROM", StringComparison.Ordinal));
        Assert.Contains(found, w => w.StartsWith("\"SELECT 1", StringComparison.Ordinal));
    }

    private sealed record SqlUse(string Owner, string What);

    private static readonly string[] SqlApis = ["System.Data.Common.DbCommand", "System.Data.Common.DbBatch", "System.Data.Common.DbBatchCommand", "System.Data.IDbCommand"];

    private static bool IsOrDerivesFrom(Type? type, string[] names)
    {
        for (; type is not null; type = type.BaseType)
            if (names.Contains(type.FullName) || type.GetInterfaces().Any(i => names.Contains(i.FullName))) return true;
        return false;
    }

    /// <summary>A call that sends SQL, by its declaring type and name.</summary>
    private static bool SendsSql(MethodBase called)
    {
        var type = called.DeclaringType;
        if (type is null) return false;
        var name = type.FullName ?? type.Name;
        return name.StartsWith("Dapper.", StringComparison.Ordinal) || name.StartsWith("Npgsql.NpgsqlCommand", StringComparison.Ordinal)
            || name.StartsWith("Npgsql.NpgsqlBatch", StringComparison.Ordinal) || name.StartsWith("Microsoft.Data.Sqlite.SqliteCommand", StringComparison.Ordinal)
            || IsOrDerivesFrom(type, SqlApis)
            || (name == "System.Data.Common.DbConnection" && called.Name is "CreateCommand" or "CreateBatch")
            || (name.StartsWith("Microsoft.EntityFrameworkCore.Relational", StringComparison.Ordinal) && SqlMethod().IsMatch(called.Name))
            || name is "ChatSupport.Persistence.Stores.PlainSql" or "ChatSupport.Persistence.Stores.ConnectionScope" or "ChatSupport.Persistence.Stores.PlainSqlParameters"
            || (name == "ChatSupport.Persistence.Stores.TurnBatch" && called.Name is "ExecuteAsync" or "Add");
    }

    [GeneratedRegex("^(ExecuteSql|FromSql|SqlQuery)")]
    private static partial Regex SqlMethod();

    /// <summary>An SQL statement in a string: a statement's first keyword, in capitals, then a space.</summary>
    [GeneratedRegex(@"^\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM|WITH|LISTEN|NOTIFY) ")]
    private static partial Regex SqlStatement();

    private static readonly Dictionary<ushort, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => (ushort)o.Value);

    /// <summary>
    /// Every call and string literal in the method bodies of <paramref name="assembly"/> that sends or holds SQL, by the
    /// top-level type it is written in (lambdas and async state machines are nested types of it).
    /// </summary>
    private static IEnumerable<SqlUse> SqlUses(Assembly assembly)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetTypes())
        {
            var owner = type;
            while (owner.DeclaringType is { } outer) owner = outer;
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                if (method.GetMethodBody()?.GetILAsByteArray() is not { } il) continue;
                var typeArguments = type.IsGenericType ? type.GetGenericArguments() : null;
                var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
                for (var i = 0; i < il.Length;)
                {
                    var value = il[i] == 0xFE ? (ushort)(0xFE00 | il[i + 1]) : il[i];
                    i += il[i] == 0xFE ? 2 : 1;
                    var op = OpCodesByValue[value];
                    if (op.OperandType is OperandType.InlineMethod or OperandType.InlineString)
                    {
                        var token = BitConverter.ToInt32(il, i);
                        if (op.OperandType == OperandType.InlineString)
                        {
                            var literal = type.Module.ResolveString(token);
                            if (SqlStatement().IsMatch(literal)) yield return new(owner.FullName!, $"\"{literal.Trim()}\"");
                        }
                        else if (type.Module.ResolveMethod(token, typeArguments, methodArguments) is { } called && SendsSql(called))
                            yield return new(owner.FullName!, $"{called.DeclaringType!.FullName}.{called.Name}");
                    }
                    i += op.OperandType switch
                    {
                        OperandType.InlineNone => 0,
                        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                        OperandType.InlineVar => 2,
                        OperandType.InlineI8 or OperandType.InlineR => 8,
                        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                        _ => 4,
                    };
                }
            }
        }
    }
}

/// <summary>What <see cref="DependencyRulesTests.TheSqlRule_FindsEachKindOfSql"/> must find: each way of sending SQL, once.</summary>
internal static class SqlInTheWrongPlace
{
    public static async Task AllAsync(DbConnection connection, ChatSupportDbContext db)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM residents";
#pragma warning disable DAP005 // Dapper.AOT (in the graph through Web) asks to be enabled: this is a sample, never run
        await Dapper.SqlMapper.ExecuteAsync(connection, "SELECT 1");
#pragma warning restore DAP005
        await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database, "VACUUM");
        await ChatSupport.Persistence.Stores.PlainSql.ExecuteAsync(db, "VACUUM", null, CancellationToken.None);
    }
}
