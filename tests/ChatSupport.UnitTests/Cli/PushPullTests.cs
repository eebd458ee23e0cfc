using System.Text;
using ChatSupport.Cli;

namespace ChatSupport.UnitTests.Cli;

/// <summary><c>chatsupport push</c> and <c>pull</c> against a stand-in of the staff questionnaire API (HTTP on 127.0.0.1).</summary>
public sealed class PushPullTests : IAsyncLifetime
{
    private const string Valid = """
        id: watch
        version: "1"
        title: 見守り
        consent: {version: "1", text: 同意しますか}
        questions:
          - id: well
            type: yes_no
            text: 元気ですか
        """;

    private readonly TempDirectory _temp = new();
    private StaffApiStandIn _server = null!;

    public async Task InitializeAsync() => _server = await StaffApiStandIn.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    private static async Task<(int Code, string Out, string Err)> Run(string? key, params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await Commands.RunAsync(args, TextReader.Null, output, error, name => name == "CHATSUPPORT_KEY" ? key : null);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Push_ValidFile_PostsItAsADraftWithTheKeyAndNote_AndExitsZero()
    {
        var file = _temp.File("watch.yaml", Valid);
        var (code, output, error) = await Run(StaffApiStandIn.Key, "push", file, "--server", _server.Url, "--note", "熱中症の質問を追加 & more");

        Assert.True(code == 0, error);
        Assert.StartsWith("ok  watch: saved as draft 1, valid (", output);
        var request = Assert.Single(_server.Requests);
        Assert.Equal(("POST", "/api/staff/questionnaires/watch/drafts"), (request.Method, request.Path));
        Assert.Equal("?note=" + Uri.EscapeDataString("熱中症の質問を追加 & more"), request.Query);
        Assert.Equal("text/yaml; charset=utf-8", request.ContentType);
        Assert.Equal("Bearer " + StaffApiStandIn.Key, request.Authorization);
        Assert.Equal(await File.ReadAllBytesAsync(file), request.Body);
    }

    [Fact]
    public async Task Push_InvalidFile_PrintsTheErrorsExactlyAsValidateDoes_AndExitsOne()
    {
        var file = _temp.File("watch.yaml", Valid.Replace("    type: yes_no", "    type: yes_no\n    requried: false\n    max_length: 3", StringComparison.Ordinal));
        var validated = await Run(null, "validate", file);
        var (code, _, error) = await Run(StaffApiStandIn.Key, "push", file, "--server", _server.Url);

        Assert.Equal((1, 1), (validated.Code, code));
        static string[] ErrorLines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.Contains(".yaml:", StringComparison.Ordinal))];
        Assert.Equal(2, ErrorLines(error).Length);
        Assert.Equal(ErrorLines(validated.Err), ErrorLines(error));
        Assert.Contains("requried: unknown field 'requried'. Did you mean 'required'?", error);
        Assert.Contains("Draft 1 of watch is saved, but cannot be published until they are fixed.", error);
    }

    [Fact]
    public async Task Push_WithAWrongKey_ExitsTwo_SayingTheKeyWasNotAccepted()
    {
        var (code, _, error) = await Run("not-the-key", "push", _temp.File("watch.yaml", Valid), "--server", _server.Url);
        Assert.Equal(2, code);
        Assert.Contains("the server answered 401: the key in CHATSUPPORT_KEY was not accepted", error);
        Assert.Equal("Bearer not-the-key", Assert.Single(_server.Requests).Authorization);
    }

    [Fact]
    public async Task Push_WithoutAKey_ExitsTwo_AndSendsNothing()
    {
        var file = _temp.File("watch.yaml", Valid);
        var (code, _, error) = await Run(null, "push", file, "--server", _server.Url);
        Assert.Equal(2, code);
        Assert.Contains("Set the environment variable CHATSUPPORT_KEY", error);

        // The barrier: a push with the key arrives, and it is the only request the server saw.
        Assert.Equal(0, (await Run(StaffApiStandIn.Key, "push", file, "--server", _server.Url)).Code);
        Assert.Equal("Bearer " + StaffApiStandIn.Key, Assert.Single(_server.Requests).Authorization);
    }

    [Fact]
    public async Task KeyOnTheCommandLine_IsRefused()
    {
        var (code, _, error) = await Run(null, "push", _temp.File("watch.yaml", Valid), "--server", _server.Url, "--key", StaffApiStandIn.Key);
        Assert.Equal(2, code);
        Assert.Contains("The key is not given on the command line", error);
    }

    [Theory]
    [InlineData("http://chatsupport.example.jp", "plain http: the staff key and the questionnaire would cross the network unencrypted")]
    [InlineData("ftp://chatsupport.example.jp", "is not a URL")]
    [InlineData("chatsupport.example.jp", "is not a URL")]
    public async Task Server_ThatIsNotHttpsOrThisMachine_IsRefusedBeforeAnythingIsSent(string server, string message)
    {
        var (code, _, error) = await Run(StaffApiStandIn.Key, "push", _temp.File("watch.yaml", Valid), "--server", server);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
    }

    [Fact]
    public async Task Push_ToAServerThatIsNotThere_ExitsTwo()
    {
        var gone = await StaffApiStandIn.StartAsync();
        var url = gone.Url;
        await gone.DisposeAsync();
        var (code, _, error) = await Run(StaffApiStandIn.Key, "push", _temp.File("watch.yaml", Valid), "--server", url);
        Assert.Equal(2, code);
        Assert.StartsWith("Could not reach http://127.0.0.1:", error);
    }

    [Fact]
    public async Task Push_ARedirect_IsNotFollowed_SoTheKeyGoesNowhereElse()
    {
        await using var elsewhere = await StaffApiStandIn.StartAsync();
        _server.Override = http =>
        {
            http.Response.StatusCode = 307;
            http.Response.Headers.Location = elsewhere.Url + "/api/staff/questionnaires/watch/drafts";
            return Task.CompletedTask;
        };
        var file = _temp.File("watch.yaml", Valid);
        var (code, _, error) = await Run(StaffApiStandIn.Key, "push", file, "--server", _server.Url);
        Assert.Equal(2, code);
        Assert.Contains("the server redirects to " + elsewhere.Url, error);

        // The barrier: a push straight to the other server is its first request.
        Assert.Equal(0, (await Run(StaffApiStandIn.Key, "push", file, "--server", elsewhere.Url)).Code);
        Assert.Single(elsewhere.Requests);
    }

    [Fact]
    public async Task Push_AFileThatIsNotUtf8_ExitsOne_WithTheServersReason()
    {
        var file = Path.Combine(_temp.Path, "watch.yaml");
        await File.WriteAllBytesAsync(file, Encoding.Latin1.GetBytes("title: caf\u00e9\n"));
        var (code, _, error) = await Run(StaffApiStandIn.Key, "push", file, "--server", _server.Url);
        Assert.Equal(1, code);
        Assert.Contains("watch.yaml:1:1: (file): Save the file as UTF-8.", error);
    }

    [Fact]
    public async Task Pull_WritesThePublishedVersion_ByteForByte()
    {
        _server.Published["watch"] = Encoding.UTF8.GetBytes(Valid + "\n# 公開版\n");
        var outFile = Path.Combine(_temp.Path, "pulled.yaml");
        var (code, _, error) = await Run(StaffApiStandIn.Key, "pull", "watch", "--server", _server.Url + "/", "--out", outFile);

        Assert.True(code == 0, error);
        Assert.Equal(_server.Published["watch"], await File.ReadAllBytesAsync(outFile));
        var request = Assert.Single(_server.Requests);
        Assert.Equal(("GET", "/api/staff/questionnaires/watch/versions/published", "Bearer " + StaffApiStandIn.Key), (request.Method, request.Path, request.Authorization));
    }

    [Fact]
    public async Task Pull_WithoutOut_PrintsTheYaml()
    {
        _server.Published["watch"] = Encoding.UTF8.GetBytes(Valid);
        var (code, output, _) = await Run(StaffApiStandIn.Key, "pull", "watch", "--server", _server.Url);
        Assert.Equal((0, Valid), (code, output));
    }

    [Fact]
    public async Task Pull_WithNoPublishedVersion_ExitsOne()
    {
        var (code, _, error) = await Run(StaffApiStandIn.Key, "pull", "watch", "--server", _server.Url);
        Assert.Equal(1, code);
        Assert.Contains("the server has no published version of 'watch'", error);
    }

    /// <summary>The real binary in a child process reads the key from CHATSUPPORT_KEY.</summary>
    [Fact]
    public async Task ChatsupportBinary_Push_ReadsTheKeyFromTheEnvironment()
    {
        var file = _temp.File("watch.yaml", Valid);
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "chatsupport.dll"), "push", file, "--server", _server.Url])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.Environment["CHATSUPPORT_KEY"] = StaffApiStandIn.Key;
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, error);
        Assert.StartsWith("ok  watch: saved as draft 1, valid", output);
        Assert.Equal("Bearer " + StaffApiStandIn.Key, Assert.Single(_server.Requests).Authorization);
    }
}
