using ChatSupport.Persistence;
using ChatSupport.Channels;
using ChatSupport.Web.Hosting;
using Npgsql;

namespace ChatSupport.Web.Questionnaires;

/// <summary>
/// Brings every server's catalog up to date within seconds of a publication, without a restart. On PostgreSQL it
/// listens on <see cref="QuestionnairePublishing.Channel"/> on a connection of its own (outside the pool), refreshing
/// on each notification; after a (re)connection, and every <c>Questionnaires:RefreshPollSeconds</c> (30 s) in any case,
/// it reads the published versions again, so a notification lost while disconnected is made up for. On SQLite
/// publishing refreshes its own process's catalog at once, and another process sharing the file (a worker) reads the
/// published versions every 2 s.
/// </summary>
public sealed class QuestionnaireChangeListener(QuestionnaireLibrary library, DatabaseConfiguration database, IConfiguration configuration,
    ILogger<QuestionnaireChangeListener> logger) : BackgroundService
{
    /// <summary>The slow poll: 30 s on PostgreSQL (notifications do the work), 2 s on SQLite (a web and a worker process share the file, and it costs one small query).</summary>
    private TimeSpan Poll => TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue<int?>("Questionnaires:RefreshPollSeconds") ?? (database.IsPostgres ? 30 : 2)));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (database.IsPostgres) await ListenAsync(stoppingToken);
                else
                {
                    await Task.Delay(Poll, stoppingToken);
                    await library.RefreshAsync(stoppingToken);
                }
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                logger.LogScrubbed(LogLevel.Warning, e, "Watching for questionnaire publications failed (attempt {Attempt}); reconnecting", failures);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, failures * 2)), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false, KeepAlive = 15 };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        await using (var listen = new NpgsqlCommand($"LISTEN {QuestionnairePublishing.Channel}", connection))
            await listen.ExecuteNonQueryAsync(ct);
        // Publications made while this server was not listening.
        await library.RefreshAsync(ct);
        while (!ct.IsCancellationRequested)
        {
            await connection.WaitAsync(Poll, ct); // a notification, or the slow poll's turn
            await library.RefreshAsync(ct);
        }
    }
}
