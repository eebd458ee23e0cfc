using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using ChatSupport.Benchmarks;

// `load …`: HTTP load on a running host (see LoadTool). Otherwise BenchmarkDotNet.
if (args.FirstOrDefault() == "load") return await LoadTool.RunAsync(args[1..]);
// `line-load …`: signed LINE webhooks at rising rates, replies caught by a loopback LINE API (see LineLoadTool).
if (args.FirstOrDefault() == "line-load") return await LineLoadTool.RunAsync(args[1..]);
// `follow-up-load …`: a million due residents planned and dispatched by a worker to a rate-limited LINE stand-in (see FollowUpLoadTool).
if (args.FirstOrDefault() == "follow-up-load") return await FollowUpLoadTool.RunAsync(args[1..]);
// `report-load …`: a day of 1,000,000 answers aggregated against psql's GROUP BY, then the reports API over 90 days (see ReportLoadTool).
if (args.FirstOrDefault() == "report-load") return await ReportLoadTool.RunAsync(args[1..]);
// `impact-load …`: 100,000 completed responses replayed under two versions by the impact report (see ImpactLoadTool).
if (args.FirstOrDefault() == "impact-load") return await ImpactLoadTool.RunAsync(args[1..]);

// One core, as the target says ("at least 20,000 turns/s on one core"), and the target in the table.
var config = DefaultConfig.Instance
    .AddJob(Job.Default.WithAffinity(1).AsDefault())
    .AddColumn(new TargetColumn(false), new TargetColumn(true));
BenchmarkSwitcher.FromAssembly(typeof(TurnBenchmarks).Assembly).Run(args, config);
return 0;
