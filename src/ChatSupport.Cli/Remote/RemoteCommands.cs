namespace ChatSupport.Cli.Remote;

/// <summary>
/// <c>chatsupport push FILE --server URL [--note TEXT]</c> and <c>chatsupport pull ID --server URL [--out FILE]</c>:
/// staff who keep their questionnaires in git upload a draft and read its check as <c>validate</c> prints it, and
/// download the published version. The key comes from <c>CHATSUPPORT_KEY</c> only.
/// </summary>
internal static class RemoteCommands
{
    public const string KeyVariable = "CHATSUPPORT_KEY";

    /// <summary>0: saved and valid; 1: saved with errors (or a file the server would not take); 2: not saved.</summary>
    public static async Task<int> PushAsync(string file, IReadOnlyDictionary<string, string> options, Func<string, string?> environment, TextWriter output, TextWriter error)
    {
        var server = options.GetValueOrDefault("--server") ?? throw new UsageException("push needs --server <URL> (the ChatSupport server, e.g. https://chatsupport.example.jp).");
        if (!File.Exists(file)) throw new UsageException($"No file '{file}'.");
        var id = Path.GetFileNameWithoutExtension(file);
        var shown = Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.GetFullPath(file)); // as validate names it
        try
        {
            using var client = StaffApiClient.For(server, environment(KeyVariable));
            var draft = await client.PushDraftAsync(id, await File.ReadAllBytesAsync(file), options.GetValueOrDefault("--note"));
            var errors = draft.Errors ?? [];
            foreach (var e in errors)
                await error.WriteLineAsync($"{Local(e.File, shown)}:{e.Line}:{e.Column}: {e.Field}: {e.Message}");
            if (draft.Valid && errors.Count == 0)
            {
                await output.WriteLineAsync($"ok  {draft.Id}: saved as draft {draft.Version}, valid{(draft.Hash is { Length: > 0 } h ? $" ({h[..Math.Min(12, h.Length)]})" : "")}.");
                return 0;
            }
            await error.WriteLineAsync($"{errors.Count} error{(errors.Count == 1 ? "" : "s")}. Draft {draft.Version} of {draft.Id} is saved, but cannot be published until they are fixed.");
            return 1;
        }
        catch (RemoteException e)
        {
            await error.WriteLineAsync(e.InvalidInput ? $"{shown}:1:1: (file): {e.Message}." : e.Message);
            return e.InvalidInput ? 1 : 2;
        }
    }

    /// <summary>0: written; 1: no published version; 2: not reached or refused.</summary>
    public static async Task<int> PullAsync(string id, IReadOnlyDictionary<string, string> options, Func<string, string?> environment, TextWriter output, TextWriter error)
    {
        var server = options.GetValueOrDefault("--server") ?? throw new UsageException("pull needs --server <URL> (the ChatSupport server, e.g. https://chatsupport.example.jp).");
        try
        {
            using var client = StaffApiClient.For(server, environment(KeyVariable));
            if (await client.PullPublishedAsync(id) is not { } yaml)
            {
                await error.WriteLineAsync($"pull {id}: the server has no published version of '{id}'.");
                return 1;
            }
            if (options.GetValueOrDefault("--out") is { } outFile)
            {
                await File.WriteAllBytesAsync(outFile, yaml);
                await error.WriteLineAsync($"ok  {id}: the published version written to {outFile}.");
            }
            else await output.WriteAsync(QuestionnaireText(yaml));
            return 0;
        }
        catch (RemoteException e)
        {
            await error.WriteLineAsync(e.Message);
            return 2;
        }
    }

    private static string QuestionnaireText(byte[] yaml) => System.Text.Encoding.UTF8.GetString(yaml);

    /// <summary>
    /// The server names the pushed questionnaire its own way; print the local file instead, as <c>validate</c> would,
    /// so an editor can jump to the line. Errors in other files (a shared consent) keep the server's name.
    /// </summary>
    private static string Local(string? reported, string localFile) =>
        reported is null || Path.GetFileName(Path.GetDirectoryName(reported)) != "consent" ? localFile : reported;
}
