using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

// One core, as the target says: "at least 20,000 turns/s on one core".
var config = DefaultConfig.Instance.AddJob(Job.Default.WithAffinity(1).AsDefault());
BenchmarkSwitcher.FromAssembly(typeof(ChatSupport.Benchmarks.TurnBenchmarks).Assembly).Run(args, config);
