using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace ChatSupport.Channels;

/// <summary>
/// Logs an exception so that an operator can find the line that failed, without personal data: the exception's type,
/// its message scrubbed (see <see cref="Scrub"/>) and its stack frames (methods, files and lines), for it and each inner
/// exception. The exception object itself is never handed to the logger, whose formatter would print the raw message
/// (which can quote what a resident wrote, a user id, or a database row). Here, beside the channels, so that every
/// project above can use it.
/// </summary>
public static partial class ErrorLogging
{
    /// <summary>Logs <paramref name="message"/> (a template with its arguments) followed by the scrubbed exception.</summary>
    public static void LogScrubbed(this ILogger logger, LogLevel level, Exception exception, string message, params object?[] args)
    {
        if (!logger.IsEnabled(level)) return;
#pragma warning disable CA2254 // the template is the caller's constant, extended by fixed placeholders
        logger.Log(level, message + " — {ErrorType}: {ErrorMessage}{NewLine}{StackTrace}",
            [.. args, exception.GetType().FullName, Scrub(exception.Message), Environment.NewLine, Frames(exception)]);
#pragma warning restore CA2254
    }

    /// <summary>The stack frames of the exception and of its inner exceptions (their types and scrubbed messages between).</summary>
    public static string Frames(Exception exception)
    {
        var text = new StringBuilder();
        for (var (e, depth) = (exception, 0); e is not null && depth < 8; (e, depth) = (e.InnerException, depth + 1))
        {
            if (depth > 0) text.Append(" ---> ").Append(e.GetType().FullName).Append(": ").AppendLine(Scrub(e.Message));
            text.AppendLine(e.StackTrace ?? "   (no stack trace)");
        }
        return text.ToString().TrimEnd();
    }

    /// <summary>
    /// What is left of a message once anything that could be personal is cut out: quoted text, e-mail addresses, any
    /// word with a digit in it (user ids, phone numbers, postal codes, dates, keys) and any non-ASCII text (what a
    /// resident writes in Japanese). .NET's own messages stay readable ("Object reference not set to an instance…").
    /// </summary>
    public static string Scrub(string? message)
    {
        if (string.IsNullOrEmpty(message)) return "";
        var text = Quoted().Replace(message, "'…'");
        text = Email().Replace(text, "…");
        text = WithDigit().Replace(text, "…");
        text = NonAscii().Replace(text, "…");
        return text.Length > 500 ? text[..500] + "…" : text;
    }

    [GeneratedRegex("""'[^']*'|"[^"]*"|‘[^’]*’|“[^”]*”|「[^」]*」""")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\S+@\S+")]
    private static partial Regex Email();

    [GeneratedRegex(@"[^\s'""]*\d[^\s'""]*")]
    private static partial Regex WithDigit();

    [GeneratedRegex(@"[^\x00-\x7F]+")]
    private static partial Regex NonAscii();
}
