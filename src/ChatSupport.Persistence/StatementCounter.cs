using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ChatSupport.Persistence;

/// <summary>
/// Counts the SQL statements a context sends: the model's own commands (as an EF interceptor) and the plain SQL of the
/// turn path (state documents, answers, batches), which reports here itself. Register it before <see cref="DatabaseRegistration.AddChatSupportDatabase"/> (every context then counts into it).
/// Used to hold a turn to its statement budget.
/// </summary>
public sealed class StatementCounter : DbCommandInterceptor
{
    private readonly List<string> _statements = [];

    public IReadOnlyList<string> Statements { get { lock (_statements) return [.. _statements]; } }

    public void Observe(string sql) { lock (_statements) _statements.Add(sql); }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Observe(command.CommandText);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Observe(command.CommandText);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Observe(command.CommandText);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }
}
