using ChatSupport.Channels;
using Hangfire.Logging;

namespace ChatSupport.Web.Jobs;

/// <summary>
/// Hangfire's log provider is process-wide (static); this one writes to the host's logging and goes quiet once that
/// host's logging is disposed, so that hosts side by side in one process (the tests) never fail on another's disposal.
/// Exceptions go through <see cref="ErrorLogging"/>, never whole to the logger.
/// </summary>
internal sealed class HangfireLogging(ILoggerFactory factory) : ILogProvider
{
    public ILog GetLogger(string name) => new HostLog(factory, name);

    private sealed class HostLog(ILoggerFactory factory, string name) : ILog
    {
        private ILogger? _logger;

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                var logger = _logger ??= factory.CreateLogger(name);
                var level = (Microsoft.Extensions.Logging.LogLevel)(int)logLevel;
                if (messageFunc is null) return logger.IsEnabled(level);
                // A failed job's exception is logged as every other error: its stack frames, its message scrubbed.
                if (!logger.IsEnabled(level)) return true;
                if (exception is null) logger.Log(level, "{Message}", messageFunc());
                else logger.LogScrubbed(level, exception, "{Message}", messageFunc());
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
