using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ChatSupport.Cli.Simulation;
using ChatSupport.Questionnaires;
using ChatSupport.Questionnaires.Loading;
using ChatSupport.Residents;

namespace ChatSupport.Cli;

/// <summary><c>chatsupport validate | chat | simulate | push | pull</c>.</summary>
public static class Commands
{
    private const string Usage = """
        Usage:
          chatsupport validate [paths...]                                  check questionnaire files or folders (default: dialogs)
          chatsupport chat <questionnaire> [--locale en]                   answer a questionnaire in the terminal
          chatsupport simulate <questionnaire> --answers <file> [--locale en]
                                                                           run a scripted conversation; print transcript and outcome as JSON
          chatsupport push <file> --server <URL> [--note <text>]          upload a questionnaire as a draft (id = file name); print its check
          chatsupport pull <id> --server <URL> [--out <file>]             download the published version (default: to the terminal)
        <questionnaire> is a file (dialogs/covid19-selfcheck.yaml) or an id found in ./dialogs.
        push and pull read the staff key from the environment variable CHATSUPPORT_KEY (never from the command line);
        the server must be https, or http on this machine.
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error) =>
        RunAsync(args, input, output, error, Environment.GetEnvironmentVariable);

    /// <summary>As the command line runs it, with <paramref name="environment"/> for the variables read (the key of push and pull).</summary>
    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, Func<string, string?> environment)
    {
        Console.OutputEncoding = Encoding.UTF8;
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help") { await output.WriteLineAsync(Usage); return args.Length == 0 ? 2 : 0; }
        try
        {
            return args[0] switch
            {
                "validate" => await ValidateAsync(args[1..], output, error),
                "chat" => await ChatAsync(args[1..], input, output),
                "simulate" => await SimulateAsync(args[1..], output, error),
                "push" => await RemoteAsync(args[1..], "push", environment, output, error),
                "pull" => await RemoteAsync(args[1..], "pull", environment, output, error),
                _ => await UsageErrorAsync(error, $"Unknown command '{args[0]}'."),
            };
        }
        catch (QuestionnaireLoadException e)
        {
            foreach (var err in e.Errors) await error.WriteLineAsync(err.ToString());
            return 1;
        }
        catch (UsageException e)
        {
            return await UsageErrorAsync(error, e.Message);
        }
    }

    private static async Task<int> ValidateAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.FirstOrDefault(a => a.StartsWith("--", StringComparison.Ordinal)) is { } option)
            throw new UsageException($"Unknown option '{option}'.");
        var paths = args.Length == 0 ? ["dialogs"] : args;
        try
        {
            var catalog = QuestionnaireCatalog.Load(paths);
            foreach (var q in catalog.All.OrderBy(q => q.Id, StringComparer.Ordinal))
                await output.WriteLineAsync($"ok  {q.Id} (version {q.Version}, {q.Questions.Count} steps, locales {string.Join("/", q.Locales)})");
            return 0;
        }
        catch (QuestionnaireLoadException e)
        {
            // A shared consent's mistake is found once per questionnaire that uses it: list it once.
            var errors = e.Errors.Distinct().ToList();
            foreach (var err in errors) await error.WriteLineAsync(err.ToString());
            await error.WriteLineAsync($"{errors.Count} error{(errors.Count == 1 ? "" : "s")}.");
            return 1;
        }
    }

    private static async Task<int> ChatAsync(string[] args, TextReader input, TextWriter output)
    {
        var (questionnaire, options) = Parse(args, "--locale");
        var (catalog, id) = LoadFor(questionnaire);
        var conversation = new LocalConversation(catalog, id, options.GetValueOrDefault("--locale"));
        var english = Locales.IsEnglish(options.GetValueOrDefault("--locale"));
        await output.WriteLineAsync(english
            ? "(Type your answer, a button's number, or its label. Ctrl+D to quit.)"
            : "（答えを入力するか、ボタンの番号・文字を入力してください。Ctrl+D で終了します）");
        var replies = await conversation.JoinAsync();
        while (true)
        {
            foreach (var reply in replies) await output.WriteLineAsync("bot> " + TranscriptPrinter.Render(reply).Replace("\n", "\n     ", StringComparison.Ordinal));
            await output.WriteAsync("you> ");
            var line = await input.ReadLineAsync();
            if (line is null) break;
            if (line.Trim().Length == 0) { replies = []; continue; }
            replies = await conversation.SayAsync(TranscriptPrinter.ButtonValue(replies.LastOrDefault(), line) ?? line);
        }
        await output.WriteLineAsync();
        return 0;
    }

    private static async Task<int> SimulateAsync(string[] args, TextWriter output, TextWriter error)
    {
        var (questionnaire, options) = Parse(args, "--locale", "--answers");
        var answers = options.GetValueOrDefault("--answers") ?? throw new UsageException("simulate needs --answers <file>.");
        var (catalog, id) = LoadFor(questionnaire);
        var result = await ScriptRunner.RunAsync(catalog, id, SimulationScript.Load(answers), options.GetValueOrDefault("--locale"));
        await output.WriteLineAsync(JsonSerializer.Serialize(result, Json));
        foreach (var failure in result.Sessions.SelectMany(s => s.Failures)) await error.WriteLineAsync("expectation failed: " + failure);
        return result.Passed ? 0 : 1;
    }

    private static async Task<int> RemoteAsync(string[] args, string command, Func<string, string?> environment, TextWriter output, TextWriter error)
    {
        if (args.Contains("--key"))
            throw new UsageException($"The key is not given on the command line (others could read it there): set {Remote.RemoteCommands.KeyVariable}.");
        var (target, options) = command == "push" ? Parse(args, "--server", "--note") : Parse(args, "--server", "--out");
        return command == "push"
            ? await Remote.RemoteCommands.PushAsync(target, options, environment, output, error)
            : await Remote.RemoteCommands.PullAsync(target, options, environment, output, error);
    }

    /// <summary>A questionnaire file loads with the other files of its folder (so its follow-ups resolve); an id loads ./dialogs.</summary>
    private static (QuestionnaireCatalog Catalog, string Id) LoadFor(string questionnaire)
    {
        if (File.Exists(questionnaire))
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(questionnaire))!;
            return (QuestionnaireCatalog.Load(folder), Path.GetFileNameWithoutExtension(questionnaire));
        }
        if (!Directory.Exists("dialogs"))
            throw new UsageException($"No questionnaire file '{questionnaire}', and no ./dialogs folder to look its id up in.");
        var catalog = QuestionnaireCatalog.Load("dialogs");
        return (catalog, catalog.Find(questionnaire)?.Id ?? throw new UsageException($"No questionnaire file or id '{questionnaire}'."));
    }

    private static (string Positional, Dictionary<string, string> Options) Parse(string[] args, params string[] known)
    {
        string? positional = null;
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (!known.Contains(args[i])) throw new UsageException($"Unknown option '{args[i]}'.");
                if (i + 1 >= args.Length) throw new UsageException($"{args[i]} needs a value.");
                options[args[i]] = args[++i];
            }
            else if (positional is null) positional = args[i];
            else throw new UsageException($"Unexpected argument '{args[i]}'.");
        }
        return (positional ?? throw new UsageException("Name the questionnaire (a file such as dialogs/covid19-selfcheck.yaml, or its id)."), options);
    }

    private static async Task<int> UsageErrorAsync(TextWriter error, string message)
    {
        await error.WriteLineAsync(message);
        await error.WriteLineAsync(Usage);
        return 2;
    }
}

/// <summary>The command line was not understood: exit code 2 and the usage text.</summary>
public sealed class UsageException(string message) : Exception(message);
