using System.Diagnostics;
using System.Threading.Channels;
using ChatSupport.Bots;
using ChatSupport.Persistence.Reports;
using ChatSupport.Questionnaires;
using ChatSupport.Questionnaires.Impact;
using ChatSupport.Web.Reports;

namespace ChatSupport.Web.Impact;

/// <summary>The impact report of a candidate version for a tenant: the period replayed (tenant-local days, today included) and the figures.</summary>
public sealed record ImpactReportResult(string Tenant, string QuestionnaireId, DateOnly From, DateOnly To, int Days, DateTimeOffset ComputedAt, ImpactFigures Figures);

/// <summary>
/// What publishing a candidate version (<c>after</c>) instead of the published one (<c>before</c>) would have done to a
/// tenant's residents: their completed responses of the last N tenant-local days, replayed under both with their stored
/// answers and history, counted, and suppressed with the tenant's small-cell threshold (the reports'
/// <c>Tenants:{id}:Reports:SmallCellThreshold</c>). Nothing but counts leaves it.
/// </summary>
public sealed class ImpactReport(ImpactResponseStore responses, ReportTenants tenants, TimeProvider clock, ILogger<ImpactReport> logger)
{
    /// <summary>The longest period one report replays.</summary>
    public const int MaxDays = 366;

    public async Task<ImpactReportResult> ComputeAsync(string tenant, string questionnaireId, QuestionnaireDefinition before, QuestionnaireDefinition after, int days,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(days, MaxDays);
        if (before.Id != questionnaireId || after.Id != questionnaireId)
            throw new ArgumentException($"Both versions must be of '{questionnaireId}' (got '{before.Id}' and '{after.Id}').", nameof(questionnaireId));
        var settings = tenants.Get(tenant);
        var now = clock.GetUtcNow();
        var to = new TurnClock(now, settings.Zone).Today;
        var from = to.AddDays(1 - days);

        var watch = Stopwatch.StartNew();
        var tally = new ImpactTally(before, after);
        // Reading (the database and JSON) and replaying overlap: the responses go from one to the other in batches.
        var batches = Channel.CreateBounded<List<StoredResponse>>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = Task.Run(() => ReadAsync(batches.Writer, tenant, questionnaireId, from, to, stop.Token), stop.Token);
        try
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                foreach (var response in batch) tally.Add(response);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false); // a reader waiting for room must not wait for ever
            await Task.WhenAny(reading).ConfigureAwait(false);
            throw;
        }
        await reading.ConfigureAwait(false);
        var figures = ImpactFigures.From(tally, settings.K);
        logger.LogInformation("Impact of {Questionnaire} {After} against {Before} for {Tenant}: {Responses} responses of {Days} days replayed in {Milliseconds} ms",
            questionnaireId, after.Version, before.Version, tenant, tally.Responses, days, watch.ElapsedMilliseconds);
        return new ImpactReportResult(tenant, questionnaireId, from, to, days, now, figures);
    }

    private async Task ReadAsync(ChannelWriter<List<StoredResponse>> batches, string tenant, string questionnaireId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        const int BatchSize = 500;
        try
        {
            var batch = new List<StoredResponse>(BatchSize);
            await foreach (var response in responses.ReadAsync(tenant, questionnaireId, from, to, ct).ConfigureAwait(false))
            {
                batch.Add(response);
                if (batch.Count < BatchSize) continue;
                await batches.WriteAsync(batch, ct).ConfigureAwait(false);
                batch = new List<StoredResponse>(BatchSize);
            }
            if (batch.Count > 0) await batches.WriteAsync(batch, ct).ConfigureAwait(false);
            batches.Complete();
        }
        catch (Exception e)
        {
            batches.Complete(e);
            throw;
        }
    }
}
